package com.m0club.runtime.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * W3C Trace Context ({@code traceparent}, {@code tracestate}) to and from a {@code Map<String, String>}: the headers
 * of an event-log record ({@code EventLog.publish(topic, key, record, headers)}, {@code EventRecord.headers()}), of
 * an HTTP request, or a value stored beside a record (the {@code bundles.traceparent} column). Works whether tracing
 * is on or off: with tracing off no span is ever current, so {@link #current()} is empty and nothing is written.
 *
 * <p>A malformed {@code traceparent} is not an error: it carries no context ({@link Context#root()}), as the W3C
 * specification asks of a receiver.
 */
public final class TraceHeaders {
    /** The W3C header that carries the trace id, the parent span id and the sampled flag. */
    public static final String TRACEPARENT = "traceparent";
    /** The W3C header with vendor state; forwarded when present. */
    public static final String TRACESTATE = "tracestate";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final Pattern TRACEPARENT_RULE = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final String INVALID_TRACE = "0".repeat(32);

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceHeaders() {}

    /** The headers of {@code span}: {@code traceparent} (and {@code tracestate} when not empty); empty when invalid. */
    public static Map<String, String> of(SpanContext span) {
        Objects.requireNonNull(span, "span");
        if (!span.isValid()) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>(2);
        W3C.inject(Context.root().with(Span.wrap(span)), out, (carrier, key, value) -> carrier.put(key, value));
        return Map.copyOf(out);
    }

    /** The headers of the span current on this thread; empty when none is (tracing off, or outside any span). */
    public static Map<String, String> current() {
        return of(Span.current().getSpanContext());
    }

    /**
     * The remote parent {@code headers} carry, under {@link Context#root()}; {@link Context#root()} itself when they
     * carry none or a malformed one.
     */
    public static Context extract(Map<String, String> headers) {
        Objects.requireNonNull(headers, "headers");
        if (!headers.containsKey(TRACEPARENT)) {
            return Context.root();
        }
        return W3C.extract(Context.root(), headers, GETTER);
    }

    /** The span context {@code headers} carry; {@link SpanContext#getInvalid()} when none. */
    public static SpanContext spanContext(Map<String, String> headers) {
        return Span.fromContext(extract(headers)).getSpanContext();
    }

    /** The {@code traceparent} of {@code span}; empty when it is invalid. */
    public static Optional<String> traceparent(SpanContext span) {
        return Optional.ofNullable(of(span).get(TRACEPARENT));
    }

    /** The span context of one {@code traceparent} value; {@link SpanContext#getInvalid()} when malformed. */
    public static SpanContext parse(String traceparent) {
        Objects.requireNonNull(traceparent, "traceparent");
        return spanContext(Map.of(TRACEPARENT, traceparent));
    }

    /**
     * The trace id (32 lowercase hex digits) of a well-formed {@code traceparent}; empty when it is malformed or its
     * trace id is all zeros.
     */
    public static Optional<String> traceId(String traceparent) {
        Objects.requireNonNull(traceparent, "traceparent");
        var m = TRACEPARENT_RULE.matcher(traceparent);
        if (!m.matches() || m.group(1).equals(INVALID_TRACE)) {
            return Optional.empty();
        }
        return Optional.of(m.group(1));
    }
}
