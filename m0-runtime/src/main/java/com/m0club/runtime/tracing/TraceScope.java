package com.m0club.runtime.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One span of this process while it is current on the opening thread ({@link Tracing#start}): its ids are in the
 * MDC, {@link TraceHeaders#current()} gives its headers, and spans started meanwhile are its children. Closing it
 * (on the same thread, in try-with-resources) restores the MDC and the previous current span and ends the span.
 * With tracing off every method does nothing and {@link #headers()} is empty.
 */
public final class TraceScope implements AutoCloseable {
    /** The scope of no span: what {@link Tracing#off()} opens. */
    static final TraceScope NONE = new TraceScope(Span.getInvalid(), Scope.noop(), TraceMdc.Restore.NOTHING);

    private final Span span;
    private final Scope scope;
    private final TraceMdc.Restore mdc;

    TraceScope(Span span, Scope scope, TraceMdc.Restore mdc) {
        this.span = span;
        this.scope = scope;
        this.mdc = mdc;
    }

    /** The span's context; invalid with tracing off. */
    public SpanContext spanContext() {
        return span.getSpanContext();
    }

    /** The headers that make a receiver's span a child of this one; empty with tracing off. */
    public Map<String, String> headers() {
        return TraceHeaders.of(span.getSpanContext());
    }

    /** This span's {@code traceparent}; empty with tracing off. */
    public Optional<String> traceparent() {
        return TraceHeaders.traceparent(span.getSpanContext());
    }

    public TraceScope attribute(String key, String value) {
        span.setAttribute(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    public TraceScope attribute(String key, long value) {
        span.setAttribute(Objects.requireNonNull(key, "key"), value);
        return this;
    }

    /** Marks the span failed with {@code error} recorded as an exception event. */
    public void error(Throwable error) {
        Objects.requireNonNull(error, "error");
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
    }

    /** Marks the span failed with {@code description}. */
    public void error(String description) {
        span.setStatus(StatusCode.ERROR, Objects.requireNonNull(description, "description"));
    }

    /** Restores the MDC and the previous current span, then ends the span. */
    @Override
    public void close() {
        mdc.close();
        scope.close();
        span.end();
    }
}
