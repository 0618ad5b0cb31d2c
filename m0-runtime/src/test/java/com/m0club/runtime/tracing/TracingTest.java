package com.m0club.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.runtime.log.LogFormat;
import com.m0club.runtime.log.Logging;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TracingTest {
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.of(OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider
            .builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build(), "in-memory");

    @AfterEach
    void close() {
        tracing.close();
        MDC.clear();
    }

    @Test
    void offRecordsNothingWritesNoHeaderAndPutsNothingInTheMdc() {
        Tracing off = Tracing.off();
        assertThat(off.enabled()).isFalse();
        try (TraceScope s = off.start("x", Context.root())) {
            assertThat(s.headers()).isEmpty();
            assertThat(s.traceparent()).isEmpty();
            assertThat(TraceHeaders.current()).isEmpty();
            assertThat(MDC.get(TraceMdc.TRACE_ID)).isNull();
            try (TraceScope child = off.child("y")) {
                assertThat(child.spanContext().isValid()).isFalse();
            }
        }
    }

    @Test
    void aSpanIsCurrentWithItsIdsInTheMdcUntilItsScopeClosesAndChildrenNestUnderIt() {
        MDC.put(TraceMdc.TRACE_ID, "outer");
        SpanContext parentContext;
        try (TraceScope parent = tracing.start("parent", Context.root())) {
            parentContext = parent.spanContext();
            assertThat(MDC.get(TraceMdc.TRACE_ID)).isEqualTo(parentContext.getTraceId());
            assertThat(MDC.get(TraceMdc.SPAN_ID)).isEqualTo(parentContext.getSpanId());
            assertThat(TraceHeaders.current()).isEqualTo(parent.headers());
            try (TraceScope child = tracing.child("child")) {
                assertThat(MDC.get(TraceMdc.SPAN_ID)).isEqualTo(child.spanContext().getSpanId());
                assertThat(child.spanContext().getTraceId()).isEqualTo(parentContext.getTraceId());
            }
            assertThat(MDC.get(TraceMdc.SPAN_ID)).isEqualTo(parentContext.getSpanId());
        }
        assertThat(MDC.get(TraceMdc.TRACE_ID)).isEqualTo("outer");
        assertThat(MDC.get(TraceMdc.SPAN_ID)).isNull();
        assertThat(Span.current().getSpanContext().isValid()).isFalse();
        List<SpanData> done = spans.getFinishedSpanItems();
        assertThat(done).extracting(SpanData::getName).containsExactly("child", "parent");
        assertThat(done.get(0).getParentSpanId()).isEqualTo(parentContext.getSpanId());
    }

    @Test
    void headersCarryTheContextToAReceiverWhoseSpanIsAChildWithLinksToTheOthers() {
        Map<String, String> first;
        Map<String, String> second;
        try (TraceScope a = tracing.start("a", Context.root())) {
            first = a.headers();
        }
        try (TraceScope b = tracing.start("b", Context.root())) {
            second = b.headers();
        }
        assertThat(first).containsOnlyKeys(TraceHeaders.TRACEPARENT);
        Context parent = TraceHeaders.extract(first);
        SpanContext other = TraceHeaders.spanContext(second);
        try (TraceScope r = tracing.start("receiver", SpanKind.CONSUMER, parent,
                List.of(TraceHeaders.spanContext(first), other, other, SpanContext.getInvalid()))) {
            assertThat(r.spanContext().getTraceId()).isEqualTo(TraceHeaders.spanContext(first).getTraceId());
        }
        SpanData receiver = spans.getFinishedSpanItems().getLast();
        assertThat(receiver.getParentSpanContext()).isEqualTo(TraceHeaders.spanContext(first));
        assertThat(receiver.getParentSpanContext().isRemote()).isTrue();
        assertThat(receiver.getLinks()).extracting(l -> l.getSpanContext().getSpanId())
                .containsExactly(other.getSpanId());
    }

    @Test
    void malformedOrMissingTraceparentCarriesNoContextAndStartsANewTrace() {
        assertThat(TraceHeaders.extract(Map.of())).isSameAs(Context.root());
        assertThat(TraceHeaders.spanContext(Map.of(TraceHeaders.TRACEPARENT, "garbage")).isValid()).isFalse();
        assertThat(TraceHeaders.parse("00-00000000000000000000000000000000-0000000000000001-01").isValid()).isFalse();
        assertThat(TraceHeaders.traceId("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .contains("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceHeaders.traceId("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isEmpty();
        assertThat(TraceHeaders.traceId("not a traceparent")).isEmpty();
        try (TraceScope s = tracing.start("fresh", TraceHeaders.extract(Map.of(TraceHeaders.TRACEPARENT, "x")))) {
            assertThat(s.spanContext().isValid()).isTrue();
        }
        assertThat(spans.getFinishedSpanItems().getFirst().getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void logLinesWrittenInsideASpanCarryItsIdsInTheJsonAndTheTextFormat() throws Exception {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("com.m0club.test.TracingTest");
        try {
            for (LogFormat format : LogFormat.values()) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                Logging.configure(format, "info", out);
                SpanContext span;
                try (TraceScope s = tracing.start("logged", Context.root())) {
                    span = s.spanContext();
                    log.info("inside");
                }
                log.info("outside");
                List<String> lines = out.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                        .filter(l -> l.contains("TracingTest")).toList();
                assertThat(lines).hasSize(2);
                if (format == LogFormat.JSON) {
                    var inside = com.m0club.runtime.json.Json.MAPPER.readTree(lines.get(0));
                    assertThat(inside.get("trace_id").asText()).isEqualTo(span.getTraceId());
                    assertThat(inside.get("span_id").asText()).isEqualTo(span.getSpanId());
                    assertThat(com.m0club.runtime.json.Json.MAPPER.readTree(lines.get(1)).has("trace_id")).isFalse();
                } else {
                    assertThat(lines.get(0)).contains("trace_id=" + span.getTraceId(),
                            "span_id=" + span.getSpanId());
                    assertThat(lines.get(1)).doesNotContain("trace_id");
                }
            }
        } finally {
            Logging.configure(LogFormat.TEXT, "warn");
        }
    }

    @Test
    void linksAreCappedAndAnErrorMarksTheSpan() {
        List<SpanContext> many = new java.util.ArrayList<>();
        for (int i = 0; i < Tracing.MAX_LINKS + 10; i++) {
            try (TraceScope s = tracing.start("contributor", Context.root())) {
                many.add(s.spanContext());
            }
        }
        try (TraceScope s = tracing.start("many", SpanKind.INTERNAL, Context.root(), many)) {
            s.error(new IllegalStateException("boom"));
        }
        SpanData last = spans.getFinishedSpanItems().getLast();
        assertThat(last.getLinks()).hasSize(Tracing.MAX_LINKS);
        assertThat(last.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
        assertThat(last.getEvents()).extracting(e -> e.getName()).contains("exception");
    }
}
