package com.m0club.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.engine.source.SourceQuote;
import com.m0club.runtime.config.M0Keys;
import com.m0club.store.TestPostgres;
import com.m0club.store.connector.ConnectorStateStore;
import com.m0club.store.postgres.Database;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node running ingestor, aggregator and quant on two HTTP connectors ({@code M0_QUOTE_SOURCE=connectors}) against
 * local feeds (the JDK's HttpServer on ephemeral ports), on the machine's PostgreSQL (m0-store's TestPostgres): the
 * feeds' quotes become events and outputs; {@code connector_state} written by another pool (the operator's
 * {@code m0 connector disable}) stops one connector within the ingestor's poll of it, and enabling restarts it; a feed
 * that keeps failing degrades its connector and the market's outputs carry CONNECTOR_DEGRADED until it recovers.
 */
class HttpConnectorNodeTest {
    @TempDir
    Path dir;

    private Database operatorDb;
    private final ExecutorService feedThreads = Executors.newVirtualThreadPerTaskExecutor();
    private HttpServer server;
    private final AtomicInteger requestsA = new AtomicInteger();
    private final AtomicInteger requestsB = new AtomicInteger();
    private final AtomicBoolean failB = new AtomicBoolean();

    @BeforeEach
    void setUp() throws IOException {
        operatorDb = TestPostgres.freshMigratedDatabase(new PrometheusRegistry());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(feedThreads);
        server.createContext("/a", ex -> reply(ex, requestsA.incrementAndGet(), 1.80, false));
        server.createContext("/b", ex -> reply(ex, requestsB.incrementAndGet(), 1.85, failB.get()));
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
        feedThreads.shutdownNow();
        TestPostgres.drop(operatorDb);
    }

    /** Odds that change with every request, stamped with the feed's clock. */
    private static void reply(HttpExchange ex, int n, double home, boolean fail) throws IOException {
        try (ex) {
            if (fail) {
                ex.sendResponseHeaders(503, -1);
                return;
            }
            String body = "{\"markets\":[{\"id\":\"NBA_LAL_BOS\",\"updated_ms\":" + System.currentTimeMillis()
                    + ",\"outcomes\":[{\"name\":\"HOME_WIN\",\"odds\":" + (home + 0.001 * (n % 50))
                    + "},{\"name\":\"AWAY_WIN\",\"odds\":2.05}]}]}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private String connectors() {
        int port = server.getAddress().getPort();
        StringBuilder b = new StringBuilder();
        for (String id : List.of("a", "b")) {
            b.append("""
                    [[connector]]
                    id = "book-%s"
                    url = "http://127.0.0.1:%d/%s"
                    kind = "decimal_odds"
                    interval_ms = 200
                    timeout_ms = 2000
                    retries = 0
                    rate_limit_per_s = 20
                    degraded_after = 2
                    [connector.mapping]
                    items = "/markets"
                    market = "/id"
                    outcomes = "/outcomes"
                    outcome = "/name"
                    value = "/odds"
                    ts_ms = "/updated_ms"
                    """.formatted(id, port, id));
        }
        return b.toString();
    }

    @Test
    void theIngestorOnHttpConnectorsProducesEventsObeysTheOperatorSwitchAndFlagsADegradedConnector()
            throws Exception {
        Path file = dir.resolve("connectors.toml");
        Files.writeString(file, connectors());
        Map<String, String> env = new HashMap<>(DevNode.env(dir.resolve("node")));
        env.put("M0_ROLES", "ingestor,aggregator,quant");
        env.put("M0_QUOTE_SOURCE", "connectors");
        env.put("M0_CONNECTORS_FILE", file.toString());
        String base = TestPostgres.baseUrl();
        env.put("M0_POSTGRES_URL", base + (base.contains("?") ? "&" : "?") + "currentSchema="
                + operatorDb.schema().orElseThrow());
        NodeOptions options = NodeOptions.fromConfig(M0Keys.load(env, Optional.empty())).withPorts(0, 0, 0)
                .withPostgresBinaries(DevNode.postgresBinaries());
        Files.createDirectories(options.dataDir());
        List<SourceQuote> seen = new CopyOnWriteArrayList<>();
        var operator = new ConnectorStateStore(operatorDb, InstantSource.system());
        try (OracleNode node = OracleNode.start(options, Optional.of(seen::add))) {
            assertThat(node.opened()).contains("database");
            DevNode.await("quotes of both connectors accepted by ingest and turned into outputs", DevNode.PATIENCE,
                    () -> from(seen, "book-a") >= 3 && from(seen, "book-b") >= 3
                            && DevNode.counter(node, "m0_quant_outputs", "result", "published") > 0);
            assertThat(DevNode.counter(node, "m0_ingest_events", "result", "accepted")).isGreaterThanOrEqualTo(6);

            operator.disable("book-a", "test: runbook 17.2");
            DevNode.await("book-a disabled in the ingestor", DevNode.PATIENCE,
                    () -> gauge(node, "m0_connector_disabled", "book-a") == 1);
            int requestsWhenDisabled = requestsA.get();
            int quotesWhenDisabled = from(seen, "book-a");
            int bWhenDisabled = from(seen, "book-b");
            DevNode.await("book-b still quoting", DevNode.PATIENCE, () -> from(seen, "book-b") >= bWhenDisabled + 5);
            assertThat(requestsA.get()).as("no requests to a disabled connector's feed")
                    .isLessThanOrEqualTo(requestsWhenDisabled + 1);
            assertThat(from(seen, "book-a")).as("no quotes from a disabled connector")
                    .isLessThanOrEqualTo(quotesWhenDisabled + 1);

            operator.enable("book-a", "test: fixed");
            DevNode.await("book-a quoting again", DevNode.PATIENCE,
                    () -> from(seen, "book-a") >= quotesWhenDisabled + 3);

            failB.set(true);
            DevNode.await("book-b degraded and the market's outputs flagged CONNECTOR_DEGRADED", DevNode.PATIENCE,
                    () -> gauge(node, "m0_connector_healthy", "book-b") == 0
                            && DevNode.counter(node, "m0_quant_output_flags", "flag", "CONNECTOR_DEGRADED") > 0);
            failB.set(false);
            DevNode.await("book-b healthy again", DevNode.PATIENCE,
                    () -> gauge(node, "m0_connector_healthy", "book-b") == 1);
            assertThat(DevNode.counter(node, "m0_connector_requests", "result", "server_error")).isPositive();
        }
    }

    private static int from(List<SourceQuote> seen, String source) {
        return (int) seen.stream().filter(q -> q.source().value().equals(source)).count();
    }

    private static double gauge(OracleNode node, String name, String connector) {
        for (MetricSnapshot s : node.registry().scrape()) {
            if (s instanceof GaugeSnapshot g && g.getMetadata().getName().equals(name)) {
                for (var d : g.getDataPoints()) {
                    if (connector.equals(d.getLabels().get("connector"))) {
                        return d.getValue();
                    }
                }
            }
        }
        return Double.NaN;
    }
}
