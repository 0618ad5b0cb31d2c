package com.m0club.app.e2e;

import static com.m0club.app.e2e.DevNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.api.testing.TestHttp;
import com.m0club.app.node.OracleNode;
import com.m0club.runtime.tracing.Tracing;
import com.m0club.signer.agent.SignerAgentServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * One trace from a quote to the served value on a whole dev node: the trace id the API shows for a value names a
 * trace whose spans cover every stage (ingest, aggregate, quant, bundle, sign, submit, commit, reveal, publish), each
 * stage's span a child of the one before across the event-log hops (events, features, outputs), PostgreSQL (the
 * stored bundle) and HTTP (the signer agents), and the log lines written in those spans carry the trace id.
 */
class TracingEndToEndTest {
    private static final List<String> STAGES = List.of("ingest", "aggregate", "quant", "bundle", "sign", "submit",
            "commit", "reveal", "publish");

    @TempDir
    Path dataDir;

    @Test
    void aServedValuesTraceIdNamesOneTraceFromIngestToPublishAndItsLogLinesCarryIt() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        Tracing tracing = Tracing.of(OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build(), "in-memory");
        // lines written inside spans: the agents' audit lines (DEBUG in dev for signatures) and the submitter's
        Logger audit = (Logger) LoggerFactory.getLogger(SignerAgentServer.AUDIT_LOGGER);
        Logger submitter = (Logger) LoggerFactory.getLogger("com.m0club.publish.submit.Submitter");
        Level auditLevel = audit.getLevel();
        Level submitterLevel = submitter.getLevel();
        audit.setLevel(Level.DEBUG);
        submitter.setLevel(Level.DEBUG);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        root.addAppender(lines);
        Files.createDirectories(dataDir);
        try (OracleNode node = OracleNode.start(DevNode.options(dataDir), Optional.empty(), tracing)) {
            TestHttp http = new TestHttp(DevNode.api(node));
            List<String> markets = DevNode.awaitValue("the market listing", PATIENCE, () -> {
                JsonNode list = http.json("/v1/markets").get("markets");
                return Optional.of(java.util.stream.StreamSupport.stream(list.spliterator(), false)
                        .map(m -> m.get("id").asText()).toList());
            });
            // a value served with a trace id whose trace has reached the publish span of that value's bundle
            String traceId = DevNode.awaitValue("a served value whose trace covers every stage", PATIENCE, () -> {
                for (String market : markets) {
                    TestHttp.Response r = http.get("/v1/markets/" + market + "/latest");
                    if (r.status() == 200 && r.json().get("trace_id").isTextual()) {
                        String id = r.json().get("trace_id").asText();
                        if (names(trace(spans, id)).containsAll(STAGES)) {
                            return Optional.of(id);
                        }
                    }
                }
                return Optional.empty();
            });

            List<SpanData> trace = trace(spans, traceId);
            Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId,
                    Function.identity(), (a, b) -> a));
            SpanData bundle = only(trace, "bundle");
            // the bundle's parent is a quant span (m0.outputs), its parent an aggregate span (m0.features), its
            // parent the ingest span of the quote batch (m0.events): three event-log hops, each a remote parent
            SpanData quant = parentOf(bundle, byId, "quant");
            SpanData aggregate = parentOf(quant, byId, "aggregate");
            SpanData ingest = parentOf(aggregate, byId, "ingest");
            assertThat(List.of(bundle, quant, aggregate)).allSatisfy(s -> assertThat(s.getParentSpanContext()
                    .isRemote()).as(s.getName() + " continues a context from record headers").isTrue());
            assertThat(ingest.getParentSpanContext().isValid()).as("ingest starts the trace").isFalse();
            SpanData sign = only(trace, "sign");
            assertThat(sign.getParentSpanId()).isEqualTo(bundle.getSpanId());
            // the submitter and the reconciler continue the context stored with the bundle in PostgreSQL
            List<SpanData> submits = trace.stream().filter(s -> s.getName().equals("submit")).toList();
            assertThat(submits).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(bundle.getSpanId()));
            SpanData commit = only(trace, "commit");
            SpanData reveal = only(trace, "reveal");
            assertThat(byId.get(commit.getParentSpanId()).getName()).isEqualTo("submit");
            assertThat(byId.get(reveal.getParentSpanId()).getName()).isEqualTo("submit");
            assertThat(trace.stream().filter(s -> s.getName().equals("publish")))
                    .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(bundle.getSpanId()));

            // log lines written while those spans were current carry the trace id (and the span of their stage)
            List<ILoggingEvent> traced = List.copyOf(lines.list).stream()
                    .filter(e -> traceId.equals(e.getMDCPropertyMap().get("trace_id"))).toList();
            assertThat(traced).as("the agents' audit lines of the bundle, under the sign span")
                    .filteredOn(e -> e.getLoggerName().equals(SignerAgentServer.AUDIT_LOGGER)).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry("span_id", sign.getSpanId()));
            assertThat(traced).as("the submitter's line of the reveal, under a submit span")
                    .filteredOn(e -> e.getFormattedMessage().startsWith("bundle revealed")).isNotEmpty()
                    .allSatisfy(e -> assertThat(byId.get(e.getMDCPropertyMap().get("span_id")).getName())
                            .isEqualTo("submit"));
        } finally {
            root.detachAppender(lines);
            audit.setLevel(auditLevel);
            submitter.setLevel(submitterLevel);
        }
    }

    private static List<SpanData> trace(InMemorySpanExporter spans, String traceId) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    private static List<String> names(List<SpanData> spans) {
        return spans.stream().map(SpanData::getName).distinct().toList();
    }

    private static SpanData only(List<SpanData> trace, String name) {
        List<SpanData> found = trace.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as(name + " spans in the trace").isNotEmpty();
        return found.getFirst();
    }

    private static SpanData parentOf(SpanData child, Map<String, SpanData> byId, String expected) {
        SpanData parent = byId.get(child.getParentSpanId());
        assertThat(parent).as("the parent of " + child.getName() + " in the trace").isNotNull();
        assertThat(parent.getName()).as("the parent of " + child.getName()).isEqualTo(expected);
        return parent;
    }
}
