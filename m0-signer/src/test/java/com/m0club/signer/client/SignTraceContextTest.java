package com.m0club.signer.client;

import static com.m0club.signer.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.signer.AgentCluster;
import com.m0club.signer.Fixtures;
import com.m0club.signer.SignerWire;
import com.m0club.signer.TestPki;
import com.m0club.signer.TraceParent;
import com.m0club.signer.agent.SignerAgentServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The trace context of a sign request: sent by the threshold client, logged under by each agent. */
class SignTraceContextTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";

    @TempDir
    Path dir;

    @Test
    void everyAgentLogsTheSignRequestUnderTheCallersTraceIdAndNothingElseUnderIt() throws Exception {
        Logger audit = (Logger) LoggerFactory.getLogger(SignerAgentServer.AUDIT_LOGGER);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        audit.addAppender(lines);
        try (AgentCluster cluster = new AgentCluster(dir, 3, 3, new ManualClock(NOW), Fixtures.directory(),
                Optional.empty());
                ThresholdSigner signer = ThresholdSigner.builder().signerSet(cluster.set)
                        .endpoints(cluster.endpoints()).requestTimeout(Duration.ofMinutes(1))
                        .deadline(Duration.ofMinutes(5)).bearerToken(cluster.implicitToken())
                        .tls(TestPki.client()).registry(new PrometheusRegistry()).build()) {
            signer.collectBlocking(Fixtures.bundle(1, NOW), Map.of(SignerWire.TRACEPARENT_HEADER, TRACEPARENT));
            signer.collectBlocking(Fixtures.bundle(2, NOW)); // no trace context: no trace id
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (lines.list.size() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(10); // the 3-of-3 round completes when the last agent answered: its line is written
            }
        } finally {
            audit.detachAppender(lines);
        }
        List<ILoggingEvent> events = List.copyOf(lines.list);
        List<ILoggingEvent> traced = events.stream().filter(e -> e.getFormattedMessage().contains("sequence=1 "))
                .toList();
        List<ILoggingEvent> untraced = events.stream().filter(e -> e.getFormattedMessage().contains("sequence=2 "))
                .toList();
        assertThat(traced).hasSize(3).allSatisfy(e -> {
            assertThat(e.getMDCPropertyMap()).containsEntry(TraceParent.MDC_TRACE_ID, TRACE_ID)
                    .containsEntry(TraceParent.MDC_SPAN_ID, SPAN_ID);
            assertThat(e.getFormattedMessage()).contains("result=signed");
        });
        assertThat(untraced).hasSize(3).allSatisfy(e ->
                assertThat(e.getMDCPropertyMap()).doesNotContainKey(TraceParent.MDC_TRACE_ID));
    }

    @Test
    void theClientSendsTheTraceHeadersOnlyAndRefusesAnyOtherHeader() throws Exception {
        try (AgentCluster cluster = new AgentCluster(dir, 1, 1, new ManualClock(NOW));
                ThresholdSigner signer = ThresholdSigner.builder().signerSet(cluster.set)
                        .endpoints(cluster.endpoints()).bearerToken(cluster.implicitToken())
                        .tls(TestPki.client()).registry(new PrometheusRegistry()).build()) {
            assertThatThrownBy(() -> signer.collect(Fixtures.bundle(1, NOW), Map.of("Authorization", "Bearer x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("only traceparent and tracestate may be sent, got Authorization");
            assertThatThrownBy(() -> signer.collect(Fixtures.bundle(1, NOW),
                    Map.of(SignerWire.TRACEPARENT_HEADER, "bad\nvalue")))
                    .hasMessageContaining("traceparent must be 1..512 printable ASCII characters");
        }
    }

    @Test
    void onlyAWellFormedTraceparentIsTakenAndTheMdcIsRestoredAfterwards() {
        assertThat(TraceParent.parse(TRACEPARENT)).contains(new TraceParent(TRACE_ID, SPAN_ID));
        assertThat(TraceParent.parse("01-" + TRACE_ID + "-" + SPAN_ID + "-01-future")).isPresent();
        assertThat(TraceParent.parse(TRACEPARENT + "-extra")).isEmpty(); // version 00 has no more fields
        assertThat(TraceParent.parse("ff-" + TRACE_ID + "-" + SPAN_ID + "-01")).isEmpty();
        assertThat(TraceParent.parse("00-" + "0".repeat(32) + "-" + SPAN_ID + "-01")).isEmpty();
        assertThat(TraceParent.parse("00-" + TRACE_ID + "-" + "0".repeat(16) + "-01")).isEmpty();
        assertThat(TraceParent.parse("00-" + TRACE_ID.toUpperCase() + "-" + SPAN_ID + "-01")).isEmpty();
        assertThat(TraceParent.parse(null)).isEmpty();
        MDC.put(TraceParent.MDC_TRACE_ID, "before");
        try (var scope = TraceParent.inMdc(Optional.of(TRACEPARENT))) {
            assertThat(MDC.get(TraceParent.MDC_TRACE_ID)).isEqualTo(TRACE_ID);
        }
        assertThat(MDC.get(TraceParent.MDC_TRACE_ID)).isEqualTo("before");
        assertThat(MDC.get(TraceParent.MDC_SPAN_ID)).isNull();
        try (var scope = TraceParent.inMdc(Optional.of("garbage"))) {
            assertThat(MDC.get(TraceParent.MDC_TRACE_ID)).isEqualTo("before");
        }
        MDC.clear();
    }
}
