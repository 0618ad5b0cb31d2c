package com.m0club.runtime.tracing;

import io.opentelemetry.api.trace.SpanContext;
import java.util.Objects;
import org.slf4j.MDC;

/**
 * The trace and span ids of the current span in the SLF4J MDC ({@value #TRACE_ID}, {@value #SPAN_ID}), so every log
 * line written while a span is current carries them: the JSON log format writes MDC entries as top-level fields, the
 * text format prints them in its {@code %mdc} column. {@link Tracing#start} does this for every span it opens; use
 * this class directly only where a trace context arrives without a span of this process (a signer agent).
 */
public final class TraceMdc {
    /** The MDC key (and JSON log field) of the 32-hex trace id. */
    public static final String TRACE_ID = "trace_id";
    /** The MDC key (and JSON log field) of the 16-hex span id. */
    public static final String SPAN_ID = "span_id";

    private TraceMdc() {}

    /** What {@link #put} replaced; closing it puts that back (or removes the keys), on the same thread. */
    public interface Restore extends AutoCloseable {
        /** Does nothing: nothing was put. */
        Restore NOTHING = () -> {};

        @Override
        void close();
    }

    /** Puts the ids of {@code span} into the MDC until the returned handle closes; nothing for an invalid span. */
    public static Restore put(SpanContext span) {
        Objects.requireNonNull(span, "span");
        if (!span.isValid()) {
            return Restore.NOTHING;
        }
        return put(span.getTraceId(), span.getSpanId());
    }

    /** Puts {@code traceId} and {@code spanId} into the MDC until the returned handle closes. */
    public static Restore put(String traceId, String spanId) {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        String previousTrace = MDC.get(TRACE_ID);
        String previousSpan = MDC.get(SPAN_ID);
        MDC.put(TRACE_ID, traceId);
        MDC.put(SPAN_ID, spanId);
        return () -> {
            restore(TRACE_ID, previousTrace);
            restore(SPAN_ID, previousSpan);
        };
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
