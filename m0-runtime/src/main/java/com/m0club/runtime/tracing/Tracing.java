package com.m0club.runtime.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The tracing of one process: either {@linkplain #off() off} (the default: a no-op tracer, nothing allocated per
 * span, no header written) or an OpenTelemetry SDK with an exporter ({@link TracingSetup#fromEnv}, or
 * {@link #of(OpenTelemetrySdk, String)} in tests). Handed to every instrumented component by its constructor; the
 * components open spans with {@link #start} and carry context across processes with {@link TraceHeaders}.
 *
 * <p>Spans opened here are current on the calling thread until their {@link TraceScope} closes, with their ids in
 * the SLF4J MDC ({@link TraceMdc}), so log lines written inside them carry {@code trace_id} and {@code span_id}.
 *
 * <p>{@link #close} flushes what is still queued to the exporter and shuts the SDK down; the owner of the process
 * (the node's lifecycle) closes it last.
 */
public final class Tracing implements AutoCloseable {
    /** The instrumentation scope of every M0Club span. */
    public static final String SCOPE = "com.m0club";
    /** Links a span keeps at most (the other contributors of an aggregate or a bundle); the rest are dropped. */
    public static final int MAX_LINKS = 32;

    private static final Tracing OFF = new Tracing(OpenTelemetry.noop(), false, "off", null, Optional.empty());

    private final Tracer tracer;
    private final boolean enabled;
    private final String description;
    private final OpenTelemetrySdk sdk;
    private final Optional<Counter> exported;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Tracing(OpenTelemetry otel, boolean enabled, String description, OpenTelemetrySdk sdk,
            Optional<Counter> exported) {
        this.tracer = otel.getTracer(SCOPE);
        this.enabled = enabled;
        this.description = description;
        this.sdk = sdk;
        this.exported = exported;
    }

    /** Tracing off: no span is recorded, no header written, no MDC entry put. */
    public static Tracing off() {
        return OFF;
    }

    /** Tracing through {@code sdk} (tests: an SDK with an in-memory exporter); {@link #close} shuts it down. */
    public static Tracing of(OpenTelemetrySdk sdk, String description) {
        return new Tracing(Objects.requireNonNull(sdk, "sdk"), true,
                Objects.requireNonNull(description, "description"), sdk, Optional.empty());
    }

    /** The SDK of {@link TracingSetup}, whose exporter counts into {@code exported}. */
    static Tracing of(OpenTelemetrySdk sdk, String description, Counter exported) {
        return new Tracing(sdk, true, description, sdk, Optional.of(exported));
    }

    /** Whether spans are recorded and exported. */
    public boolean enabled() {
        return enabled;
    }

    /** The tracer, for a span {@link #start} does not cover; prefer {@link #start}. */
    public Tracer tracer() {
        return tracer;
    }

    /** What this tracing exports to, for the start log line ({@code off}, or the exporter and its endpoint). */
    public String describe() {
        return description;
    }

    /**
     * Registers {@code m0_tracing_spans_total{outcome}} in {@code registry} (spans handed to the exporter:
     * {@code exported}, or {@code failed} when the backend refused or could not be reached). Nothing with tracing
     * off or an SDK given by the caller.
     */
    public void registerMetrics(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        exported.ifPresent(registry::register);
    }

    /**
     * Starts span {@code name} of {@code kind} as a child of the span in {@code parent} ({@link Context#root()} or a
     * context without a span: a new trace), linked to each valid context of {@code links} (at most
     * {@value #MAX_LINKS}, the parent and duplicates left out), and makes it current with its ids in the MDC.
     */
    public TraceScope start(String name, SpanKind kind, Context parent, Collection<SpanContext> links) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(links, "links");
        if (!enabled) {
            return TraceScope.NONE;
        }
        SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(kind).setParent(parent);
        if (!links.isEmpty()) {
            SpanContext parentSpan = Span.fromContext(parent).getSpanContext();
            Set<String> seen = new HashSet<>();
            for (SpanContext link : links) {
                if (seen.size() >= MAX_LINKS) {
                    break;
                }
                if (link.isValid() && !link.equals(parentSpan) && seen.add(link.getTraceId() + link.getSpanId())) {
                    builder.addLink(link);
                }
            }
        }
        Span span = builder.startSpan();
        var scope = span.makeCurrent();
        return new TraceScope(span, scope, TraceMdc.put(span.getSpanContext()));
    }

    /** {@link #start(String, SpanKind, Context, Collection)} without links. */
    public TraceScope start(String name, SpanKind kind, Context parent) {
        return start(name, kind, parent, List.of());
    }

    /** An internal span, child of the span in {@code parent}. */
    public TraceScope start(String name, Context parent) {
        return start(name, SpanKind.INTERNAL, parent, List.of());
    }

    /** An internal span, child of the span current on this thread (a new trace when none is). */
    public TraceScope child(String name) {
        return child(name, SpanKind.INTERNAL);
    }

    /** A span of {@code kind}, child of the span current on this thread (a new trace when none is). */
    public TraceScope child(String name, SpanKind kind) {
        return start(name, kind, Context.current(), List.of());
    }

    /** Exports what is queued (waiting up to 10 s) and shuts the SDK down. Idempotent; nothing when off. */
    @Override
    public void close() {
        if (sdk != null && closed.compareAndSet(false, true)) {
            sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
            sdk.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "Tracing[" + description + "]";
    }
}
