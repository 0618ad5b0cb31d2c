package com.m0club.app.e2e;

import static com.m0club.app.e2e.DevNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.chain.LedgerEvent;
import com.m0club.runtime.config.M0Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 item 6: 24 concurrent API clients deadlocked the shared connection pool (a read took a second pooled
 * connection while holding one) and starved publishing. Here 32 clients hammer {@code /latest} and
 * {@code /v1/markets} for a few seconds against a dev node whose API read pool has a single connection: no request
 * may fail with a 5xx, and the bundler and submitter must keep revealing bundles meanwhile.
 */
class ApiPoolExhaustionTest {
    private static final int CLIENTS = 32;
    private static final Duration LOAD = Duration.ofSeconds(6);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void thirtyTwoClientsNeitherFailNorStarvePublishing() throws Exception {
        Files.createDirectories(dataDir);
        Map<String, String> env = new HashMap<>(DevNode.env(dataDir));
        env.put("M0_API_DB_POOL_SIZE", "1");
        NodeOptions options = NodeOptions.fromConfig(M0Keys.load(env, Optional.empty())).withPorts(0, 0, 0)
                .withPostgresBinaries(DevNode.postgresBinaries());
        try (OracleNode node = OracleNode.start(options);
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            URI base = DevNode.api(node);
            String market = DevNode.awaitValue("a market with a served value", PATIENCE, () -> {
                JsonNode list = getJson(http, base.resolve("/v1/markets"));
                for (JsonNode m : list.path("markets")) {
                    if (!m.path("latest").isNull() && !m.path("latest").isMissingNode()) {
                        return Optional.of(m.path("id").asText());
                    }
                }
                return Optional.empty();
            });
            long revealedBefore = DevNode.events(node.ledger(), LedgerEvent.Revealed.class).size();

            Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
            AtomicLong failures = new AtomicLong();
            long end = System.nanoTime() + LOAD.toNanos();
            URI[] paths = {base.resolve("/v1/markets/" + market + "/latest"), base.resolve("/v1/markets")};
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    clients.submit(() -> {
                        int i = client;
                        while (System.nanoTime() < end) {
                            HttpRequest req = HttpRequest.newBuilder(paths[i++ % 2]).timeout(Duration.ofSeconds(10))
                                    .build();
                            try {
                                int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                                statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
                            } catch (Exception e) {
                                failures.incrementAndGet();
                            }
                        }
                    });
                }
            }
            long revealedAfter = DevNode.events(node.ledger(), LedgerEvent.Revealed.class).size();

            assertThat(failures.get()).as("requests that failed at the transport level").isZero();
            assertThat(statuses.keySet()).as("statuses served under load: %s", statuses).containsOnly(200);
            assertThat(statuses.get(200).sum()).as("requests served").isGreaterThan(CLIENTS);
            DevNode.await("publishing progressed while and after the API was loaded", PATIENCE,
                    () -> DevNode.events(node.ledger(), LedgerEvent.Revealed.class).size() > revealedBefore);
            assertThat(revealedAfter).as("bundles revealed during the load window (before: %d)", revealedBefore)
                    .isGreaterThan(revealedBefore);
        }
    }

    private static JsonNode getJson(HttpClient http, URI uri) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }
}
