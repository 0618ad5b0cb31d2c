package com.m0club.signer;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * The W3C {@code traceparent} of a sign request ({@link SignerWire#TRACEPARENT_HEADER}), read without a tracing
 * library: the signer plane takes trace context as plain headers, so the agent needs no tracing SDK. The threshold
 * client forwards the caller's headers on each agent request; the agent puts the trace id and the caller's span id
 * into the SLF4J MDC ({@value #MDC_TRACE_ID}, {@value #MDC_SPAN_ID}, the names m0's log formats show) for the lines it
 * writes while handling the request, so its audit line can be found from the bundle's trace.
 *
 * @param traceId 32 lowercase hex digits, not all zeros
 * @param spanId the caller's span: 16 lowercase hex digits, not all zeros
 */
public record TraceParent(String traceId, String spanId) {
    public static final String MDC_TRACE_ID = "trace_id";
    public static final String MDC_SPAN_ID = "span_id";

    /** Version 00 exactly; a later version may append fields after the flags (W3C Trace Context, section 4). */
    private static final Pattern RULE = Pattern.compile(
            "([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-.*)?");

    public TraceParent {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
    }

    /**
     * The trace context of a {@code traceparent} value; empty when it is malformed, its version is {@code ff}, it
     * is version 00 with trailing fields, or either id is all zeros (a receiver then ignores it, as the W3C asks).
     */
    public static Optional<TraceParent> parse(String header) {
        if (header == null || header.length() > 512) {
            return Optional.empty();
        }
        var m = RULE.matcher(header.strip());
        if (!m.matches() || m.group(1).equals("ff") || (m.group(1).equals("00") && m.group(4) != null)
                || m.group(2).chars().allMatch(c -> c == '0') || m.group(3).chars().allMatch(c -> c == '0')) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(m.group(2), m.group(3)));
    }

    /** What {@link #inMdc} replaced; closing it puts that back, on the same thread. */
    public interface MdcScope extends AutoCloseable {
        @Override
        void close();
    }

    /** Puts this context's ids into the MDC until the returned scope closes. */
    public MdcScope inMdc() {
        String previousTrace = MDC.get(MDC_TRACE_ID);
        String previousSpan = MDC.get(MDC_SPAN_ID);
        MDC.put(MDC_TRACE_ID, traceId);
        MDC.put(MDC_SPAN_ID, spanId);
        return () -> {
            restore(MDC_TRACE_ID, previousTrace);
            restore(MDC_SPAN_ID, previousSpan);
        };
    }

    /** {@link #inMdc} of {@code header} when it parses; a scope that does nothing otherwise. */
    public static MdcScope inMdc(Optional<String> header) {
        return header.flatMap(TraceParent::parse).map(TraceParent::inMdc).orElse(() -> {});
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
