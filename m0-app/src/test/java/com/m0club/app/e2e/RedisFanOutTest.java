package com.m0club.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.m0club.adapter.view.redis.testing.RedisServerProcess;
import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.runtime.config.M0Keys;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, "Redis (M0_REDIS_URL)": two API listeners share one PostgreSQL and one Redis (a redis-server of the test's
 * own), as two api-gateway/realtime replicas would: a whole dev node (its reconciler publishes to Redis) and a second
 * process running only {@code api-gateway,realtime}. Every value revealed reaches the WebSocket subscribers of both
 * listeners, each exactly once, and both serve the same latest values; {@code /readyz} shows the {@code redis} check.
 */
class RedisFanOutTest {
    private static final Duration PATIENCE = DevNode.PATIENCE;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private static OracleNode start(Map<String, String> env) {
        return OracleNode.start(NodeOptions.fromConfig(M0Keys.load(env, Optional.empty())).withPorts(0, 0, 0)
                .withPostgresBinaries(DevNode.postgresBinaries()));
    }

    /** The JDBC URL of a node's database, with its user, for a second process. */
    private static String jdbcUrl(OracleNode node) {
        HikariDataSource ds = (HikariDataSource) node.database().dataSource();
        String url = ds.getJdbcUrl();
        return url.contains("user=") || ds.getUsername() == null ? url
                : url + (url.contains("?") ? "&" : "?") + "user=" + ds.getUsername();
    }

    private static WebSocket connect(HttpClient http, OracleNode node, StreamSubscriber s) throws Exception {
        return http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + node.apiPort() + "/v1/stream"), s)
                .get(30, TimeUnit.SECONDS);
    }

    private static String get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void twoApiReplicasOnOneRedisEachDeliverEveryValueToTheirSubscribersOnce() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            Files.createDirectories(dir.resolve("a"));
            Files.createDirectories(dir.resolve("b"));
            Map<String, String> envA = new HashMap<>(DevNode.env(dir.resolve("a")));
            envA.put("M0_REDIS_URL", redis.url().toString());
            HttpClient http = HttpClient.newHttpClient();
            try (OracleNode a = start(envA)) {
                Map<String, String> envB = new HashMap<>(DevNode.env(dir.resolve("b")));
                envB.put("M0_REDIS_URL", redis.url().toString());
                envB.put("M0_ROLES", "api-gateway,realtime");
                envB.put("M0_POSTGRES_URL", jdbcUrl(a));
                try (OracleNode b = start(envB)) {
                    assertThat(b.opened()).contains("redis", "redis-replica", "api").doesNotContain("ledger");
                    StreamSubscriber onA = new StreamSubscriber();
                    StreamSubscriber onB = new StreamSubscriber();
                    WebSocket wsA = connect(http, a, onA);
                    WebSocket wsB = connect(http, b, onB);
                    // values of sequences both subscribers were connected for: from the next one seen on
                    long from = DevNode.awaitValue("a first value on both listeners", PATIENCE, () ->
                            onA.values.isEmpty() || onB.values.isEmpty() ? Optional.empty()
                                    : Optional.of(Math.max(StreamSubscriber.sequence(onA.values.getLast()),
                                            StreamSubscriber.sequence(onB.values.getLast())) + 1));
                    long to = from + 2;
                    DevNode.await("sequences " + from + ".." + to + " on both listeners", PATIENCE, () ->
                            onA.values.stream().anyMatch(v -> StreamSubscriber.sequence(v) > to)
                                    && onB.values.stream().anyMatch(v -> StreamSubscriber.sequence(v) > to));
                    // finalizations of those sequences may still be on their way to one of them
                    DevNode.await("the same values of sequences " + from + ".." + to + " on both listeners",
                            PATIENCE, () -> !window(onA.values, from, to).isEmpty()
                                    && window(onA.values, from, to).equals(window(onB.values, from, to)));
                    assertThat(onA.values).as("each value once on A").doesNotHaveDuplicates();
                    assertThat(onB.values).as("each value once on B").doesNotHaveDuplicates();

                    String readyB = get(http, b.adminPort(), "/readyz");
                    JsonNode redisCheck = null;
                    for (JsonNode c : MAPPER.readTree(readyB).get("checks")) {
                        if (c.get("name").asText().equals("redis")) {
                            redisCheck = c;
                        }
                    }
                    assertThat(redisCheck).as("/readyz of B: " + readyB).isNotNull();
                    assertThat(redisCheck.get("status").asText()).isEqualTo("UP");
                    assertThat(get(http, b.adminPort(), "/metrics")).contains("m0_redis_fanout_delivered_total")
                            .contains("m0_redis_cache_hits_total");
                    wsA.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
                    wsB.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Set<String> window(List<String> values, long from, long to) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            long s = StreamSubscriber.sequence(v);
            if (s >= from && s <= to) {
                out.add(v);
            }
        }
        return out;
    }
}
