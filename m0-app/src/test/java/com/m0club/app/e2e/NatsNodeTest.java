package com.m0club.app.e2e;

import static com.m0club.app.testing.M0Run.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.eventlog.nats.testing.NatsServerProcess;
import com.m0club.app.testing.M0Run;
import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.chain.LedgerEvent;
import com.m0club.runtime.config.M0Keys;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * refuses to start before {@code m0 eventlog init} created the streams, init is idempotent, the node's
 * {@code eventlog} readiness check follows the server down and up again, and a whole dev node runs its pipeline
 * through the streams.
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

        M0Run.Result first = run(env, "eventlog", "init");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("nats " + server.url() + ": ensuring 7 streams")
                .contains("m0.events -> stream M0_m0_events: created (3 partitions, 1 replica(s), max age 168 h)")
                .contains("m0.withdrawn -> stream M0_m0_withdrawn: created")
                .contains("m0.source-health -> stream M0_m0_source-health: created");
        M0Run.Result second = run(env, "eventlog", "init");
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
    void theWholeOracleRunsOnNatsFromQuotesToRevealedBundlesWithEveryTopicCarriedByItsStream() throws Exception {
        try (NatsServerProcess own = NatsServerProcess.start();
                Connection raw = Nats.connect(own.url())) {
            Map<String, String> env = new HashMap<>(DevNode.env(dir.resolve("node")));
            env.put("M0_EVENTLOG_URL", own.url());
            env.put("M0_EVENTLOG_PARTITIONS", "4");
            M0Run.Result init = run(env, "eventlog", "init");
            assertThat(init.code()).as(init.out() + init.err()).isZero();
            NodeOptions options = NodeOptions.fromConfig(M0Keys.load(env, Optional.empty())).withPorts(0, 0, 0)
                    .withPostgresBinaries(DevNode.postgresBinaries());
            Files.createDirectories(options.dataDir());
            try (OracleNode node = OracleNode.start(options)) {
                DevNode.awaitValue("a bundle revealed on the ledger", DevNode.PATIENCE, () -> DevNode.events(
                        node.ledger(), LedgerEvent.Revealed.class).isEmpty() ? Optional.empty() : Optional.of(true));
                JetStreamManagement jsm = raw.jetStreamManagement();
                for (String stream : List.of("M0_m0_events", "M0_m0_features", "M0_m0_outputs", "M0_m0_bundles")) {
                    assertThat(jsm.getStreamInfo(stream).getStreamState().getMsgCount()).as(stream).isPositive();
                }
                DevNode.awaitValue("a reconciled value on m0.published", DevNode.PATIENCE, () -> {
                    try {
                        return jsm.getStreamInfo("M0_m0_published").getStreamState().getMsgCount() > 0
                                ? Optional.of(true) : Optional.empty();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        }
    }

    @Test
    void eventlogInitRefusesCredentialsInTheNatsUrlAsAConfigurationError() {
        Map<String, String> env = new HashMap<>(DevNode.env(dir));
        env.put("M0_EVENTLOG_URL", "nats://svc:topsecret@127.0.0.1:" + server.port());
        M0Run.Result r = run(env, "eventlog", "init");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("eventlog_url (M0_EVENTLOG_URL): a NATS event log URL must not carry"
                + " credentials").doesNotContain("topsecret");
    }

    @Test
    void eventlogInitRefusesMoreReplicasThanJetStreamKeeps() {
        Map<String, String> env = new HashMap<>(DevNode.env(dir));
        env.put("M0_EVENTLOG_URL", server.url());
        env.put("M0_EVENTLOG_REPLICATION_FACTOR", "7");
        M0Run.Result r = run(env, "eventlog", "init");
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
