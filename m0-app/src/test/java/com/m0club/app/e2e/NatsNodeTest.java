package com.m0club.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.eventlog.nats.testing.NatsServerProcess;
import com.m0club.app.Main;
import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.runtime.config.M0Keys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on NATS JetStream ({@code M0_EVENTLOG_URL=nats://...}) against a real nats-server of the test's own: it
 * refuses to start before {@code m0 eventlog init} created the streams, init is idempotent, and the node's
 * {@code eventlog} readiness check follows the server down and up again.
 */
class NatsNodeTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static NatsServerProcess server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = NatsServerProcess.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run run(Map<String, String> env, String... argv) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(List.of(argv), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> readyz(OracleNode node) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/readyz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aQuantNodeOnNatsNeedsEventlogInitAndIsReadyOnlyWhileTheServerIs() throws Exception {
        Map<String, String> env = new HashMap<>(DevNode.env(dir));
        env.put("M0_ROLES", "quant");
        env.put("M0_EVENTLOG_URL", server.url());
        env.put("M0_EVENTLOG_PARTITIONS", "3");
        NodeOptions options = NodeOptions.fromConfig(M0Keys.load(env, Optional.empty())).withPorts(0, 0, 0);

        assertThatThrownBy(() -> OracleNode.start(options).close()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stream M0_m0_features does not exist")
                .hasMessageContaining("m0 eventlog init");

        Run first = run(env, "eventlog", "init");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("nats " + server.url() + ": ensuring 6 streams")
                .contains("m0.events -> stream M0_m0_events: created (3 partitions, 1 replica(s), max age 168 h)")
                .contains("m0.withdrawn -> stream M0_m0_withdrawn: created");
        Run second = run(env, "eventlog", "init");
        assertThat(second.code()).isZero();
        assertThat(second.out()).contains("m0.features -> stream M0_m0_features: unchanged").doesNotContain("created");

        try (OracleNode node = OracleNode.start(options)) {
            assertThat(node.opened()).contains("event-log");
            var up = readyz(node);
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            assertThat(up.body()).contains("\"name\":\"eventlog\"").contains("connected, JetStream answers");

            server.kill();
            DevNode.await("readiness down", DevNode.PATIENCE, () -> status(node) == 503);
            assertThat(readyz(node).body()).contains("\"name\":\"eventlog\"").contains("connection");

            server.restart();
            DevNode.await("readiness up again", DevNode.PATIENCE, () -> status(node) == 200);
        }
    }

    @Test
    void eventlogInitRefusesCredentialsInTheNatsUrlAsAConfigurationError() {
        Map<String, String> env = new HashMap<>(DevNode.env(dir));
        env.put("M0_EVENTLOG_URL", "nats://svc:topsecret@127.0.0.1:" + server.port());
        Run r = run(env, "eventlog", "init");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("eventlog_url (M0_EVENTLOG_URL): a NATS event log URL must not carry"
                + " credentials").doesNotContain("topsecret");
    }

    @Test
    void eventlogInitRefusesMoreReplicasThanJetStreamKeeps() {
        Map<String, String> env = new HashMap<>(DevNode.env(dir));
        env.put("M0_EVENTLOG_URL", server.url());
        env.put("M0_EVENTLOG_REPLICATION_FACTOR", "7");
        Run r = run(env, "eventlog", "init");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("eventlog_replication_factor (M0_EVENTLOG_REPLICATION_FACTOR)")
                .contains("at most 5");
    }

    private static int status(OracleNode node) {
        try {
            return readyz(node).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
