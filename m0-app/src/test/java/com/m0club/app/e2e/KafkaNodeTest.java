package com.m0club.app.e2e;

import static com.m0club.app.testing.M0Run.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.eventlog.kafka.testing.KafkaBrokerProcess;
import com.m0club.app.testing.M0Run;
import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.runtime.config.M0Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on Kafka ({@code M0_EVENTLOG_URL=kafka://...}) against a real broker: it refuses to start before
 * {@code m0 eventlog init} created the topics, init is idempotent, and the node's {@code eventlog} readiness check
 * follows the broker down and up again.
 */
class KafkaNodeTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static KafkaBrokerProcess broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBrokerProcess.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static HttpResponse<String> readyz(OracleNode node) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/readyz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aQuantNodeOnKafkaNeedsEventlogInitAndIsReadyOnlyWhileTheBrokerIs() throws Exception {
        Map<String, String> env = new HashMap<>(DevNode.env(dir));
        env.put("M0_ROLES", "quant");
        env.put("M0_EVENTLOG_URL", broker.url());
        env.put("M0_EVENTLOG_PARTITIONS", "3");
        NodeOptions options = NodeOptions.fromConfig(M0Keys.load(env, Optional.empty())).withPorts(0, 0, 0);

        assertThatThrownBy(() -> OracleNode.start(options).close()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("topic m0.features does not exist on kafka " + broker.bootstrap())
                .hasMessageContaining("m0 eventlog init");

        M0Run.Result first = run(env, "eventlog", "init");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("kafka " + broker.bootstrap() + ": ensuring 7 topics")
                .contains("m0.events: created (3 partitions, replication factor 1, retention 168 h)")
                .contains("m0.withdrawn: created (3 partitions, replication factor 1, retention 168 h)");
        M0Run.Result second = run(env, "eventlog", "init");
        assertThat(second.code()).isZero();
        assertThat(second.out()).contains("m0.features: kept (3 partitions, replication factor 1, retention 168 h)")
                .doesNotContain("created");

        try (OracleNode node = OracleNode.start(options)) {
            assertThat(node.opened()).contains("event-log");
            var up = readyz(node);
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            assertThat(up.body()).contains("\"name\":\"eventlog\"")
                    .contains("kafka " + broker.bootstrap() + ": 1 broker reachable");

            broker.kill();
            DevNode.await("readiness down", DevNode.PATIENCE, () -> status(node) == 503);
            assertThat(readyz(node).body()).contains("\"name\":\"eventlog\"").contains("unreachable");

            broker.restart();
            DevNode.await("readiness up again", DevNode.PATIENCE, () -> status(node) == 200);
        }
    }

    @Test
    void eventlogInitRefusesAMalformedKafkaUrlAsAConfigurationError() {
        Map<String, String> env = new HashMap<>(DevNode.env(dir));
        env.put("M0_EVENTLOG_URL", "kafka://svc:topsecret@broker:9092");
        M0Run.Result r = run(env, "eventlog", "init");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("eventlog_url (M0_EVENTLOG_URL): a Kafka event log URL must not carry"
                + " credentials").doesNotContain("topsecret");
    }

    @Test
    void eventlogInitOnTheInProcessLogHasNothingToDo() {
        M0Run.Result r = run(new HashMap<>(DevNode.env(dir)), "eventlog", "init");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("memory:").contains("no topics to create");
    }

    private static int status(OracleNode node) {
        try {
            return readyz(node).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
