package com.m0club.app.split;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.m0club.api.verify.OfflineVerifier;
import com.m0club.app.e2e.StreamSubscriber;
import com.m0club.api.verify.VerificationReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle as separate OS processes over Kafka, PostgreSQL and Redis (issue 8): every role in its own JVM, two
 * quant replicas sharing the partitions, two submitters of which one holds the lease, two API replicas fed by
 * Redis. It waits for finalized epochs, checks that both API replicas serve the same verifiable values and that a
 * WebSocket subscriber of each receives every value once, then kills each role in turn with SIGKILL (and the
 * broker, Redis and PostgreSQL) and shows that publishing resumes by itself, that no bundle fails or is committed
 * twice, and that every epoch that got a value is finalized. The recovery time of each fault is printed.
 */
@Tag("multiprocess")
class SplitTopologyTest {
    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @TempDir
    Path dir;

    static WebSocket subscribe(RoleProcess api, StreamSubscriber s) throws Exception {
        return HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + api.apiPort() + "/v1/stream"),
                s).get(30, TimeUnit.SECONDS);
    }

    static JsonNode json(RoleProcess api, String path) {
        try {
            var r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.apiPort() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? MAPPER.readTree(r.body()) : MAPPER.createObjectNode();
        } catch (Exception e) {
            return MAPPER.createObjectNode();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, () -> "");
    }

    static void await(String what, BooleanSupplier condition, Supplier<String> diagnosis) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + PATIENCE.toSeconds() + " s waiting for " + what
                        + diagnosis.get());
            }
            Thread.sleep(200);
        }
    }

    static <T> T awaitValue(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + PATIENCE.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    /** A few counters of every process, for a failure message: where the flow stopped. */
    static String flow(SplitTopology t) {
        StringBuilder b = new StringBuilder();
        for (RoleProcess p : t.processes()) {
            try {
                String metrics = p.adminBody("/metrics");
                b.append("\n  ").append(p.name()).append(':');
                for (String line : metrics.split("\n")) {
                    if (line.startsWith("m0_eventlog_published_total") || line.startsWith("m0_bundler_rounds_total")
                            || line.startsWith("m0_submitter_bundles_total") || line.startsWith("m0_quant_outputs_total")
                            || line.startsWith("m0_realtime_messages_total") || line.startsWith("m0_lease_held")) {
                        b.append(' ').append(line);
                    }
                }
            } catch (Exception e) {
                b.append("\n  ").append(p.name()).append(": no metrics (").append(e).append(')');
            }
        }
        return b.toString();
    }

    /** The highest sequence PostgreSQL records as revealed (or finalized); -1 while it cannot be read. */
    private static long revealedSequence(SplitTopology t) {
        try (Connection c = DriverManager.getConnection(t.postgres.jdbcUrl()); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(sequence), 0) FROM bundles WHERE status IN"
                        + " ('REVEALED', 'FINALIZED')")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static long queryLong(SplitTopology t, String sql) {
        try (Connection c = DriverManager.getConnection(t.postgres.jdbcUrl()); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new AssertionError(sql + ": " + e, e);
        }
    }

    @Test
    void everyEpochFinalizesAndServedValuesVerifyWhileEachRoleIsKilledInTurn() throws Exception {
        String markets = Path.of("..", "config", "markets.toml").toAbsolutePath().normalize().toString();
        // a finalization delay longer than a submitter takeover: an epoch finalized while its last bundle was in
        // the handover would rightly refuse that bundle's reveal (EPOCH_FINALIZED), which is not what is tested here
        Map<String, String> settings = Map.of("M0_ENV", "dev", "M0_MARKETS_FILE", markets,
                "M0_DEV_EPOCH_WINDOW_MS", "15000", "M0_DEV_FINALIZATION_DELAY_MS", "10000",
                "M0_EVENTLOG_PARTITIONS", "4", "M0_SIGNER_SET_ID", "1");
        // the baseline, in the same run: m0 dev (every role in one JVM) with the same epochs, 75 s
        String devTickToReveal;
        java.util.Map<String, String> devEnv = new java.util.HashMap<>(com.m0club.app.e2e.DevNode.env(dir.resolve("dev")));
        devEnv.put("M0_DEV_EPOCH_WINDOW_MS", "15000");
        devEnv.put("M0_DEV_FINALIZATION_DELAY_MS", "10000");
        java.nio.file.Files.createDirectories(dir.resolve("dev"));
        try (com.m0club.app.node.OracleNode dev = com.m0club.app.node.OracleNode.start(
                com.m0club.app.node.NodeOptions.fromConfig(com.m0club.runtime.config.M0Keys.load(devEnv,
                        Optional.empty())).withPorts(0, 0, 0).withPostgresBinaries(
                                Path.of("target", "pg-bin").toAbsolutePath().normalize()))) {
            Thread.sleep(75_000);
            devTickToReveal = tickToRevealed(dev.database().dataSource()::getConnection, "FAST",
                    System.currentTimeMillis() - 45_000);
        }
        System.out.println("m0 dev, FAST tick start -> revealed: " + devTickToReveal);
        try (SplitTopology t = SplitTopology.start(dir, settings)) {
            // what the seed's jobs and an operator do before the roles start: registry, PKI, keys, signer set
            t.run("registry", "seed", "--config", markets, "--profile", "dev");
            Path tls = dir.resolve("tls");
            t.run("signer", "tls-init", "--out", tls.toString(), "--agents", "3");
            Path keys = java.nio.file.Files.createDirectories(dir.resolve("keys"));
            List<String> publicKeys = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                publicKeys.add(t.run("signer", "keygen", "--out", keys.resolve("agent-" + i + ".key").toString())
                        .strip());
            }
            t.run("signer-set", "register", "--id", "1", "--threshold", "2", "--key", String.join(",", publicKeys));
            Path agentConfig = dir.resolve("agents.json");
            t.run("signer-set", "agent-config", "--id", "1", "--out", agentConfig.toString());
            Path token = dir.resolve("signer.token");
            com.m0club.signer.BearerToken.loadOrGenerate(token);

            // a port chosen now and kept: the roles find the ledger server again after it is restarted
            int ledgerPort = SplitTopology.freePort();
            RoleProcess ledger = t.program("ledger", List.of("ledger", "serve", "--port", Integer.toString(ledgerPort)),
                    Map.of(), -1, PATIENCE);
            String ledgerUrl = ledger.grep(java.util.regex.Pattern.compile("ledger server listening on (\\S+)"))
                    .orElseThrow().group(1);
            t.set("M0_LEDGER_URL", ledgerUrl);
            List<String> endpoints = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int port = SplitTopology.freePort();
                int admin = SplitTopology.freePort();
                t.program("agent-" + i, List.of("signer-agent", "run"), Map.of(
                        "M0_SIGNER_KEY_FILE", keys.resolve("agent-" + i + ".key").toString(),
                        "M0_SIGNER_STATE_DIR", dir.resolve("agent-" + i + "-state").toString(),
                        "M0_SIGNER_CONFIG", agentConfig.toString(),
                        "M0_SIGNER_TLS_CERT_FILE", tls.resolve("agent-" + i + ".crt").toString(),
                        "M0_SIGNER_TLS_KEY_FILE", tls.resolve("agent-" + i + ".key").toString(),
                        "M0_SIGNER_TLS_CA_FILE", tls.resolve("ca.crt").toString(),
                        "M0_SIGNER_PORT", Integer.toString(port),
                        "M0_SIGNER_ADMIN_PORT", Integer.toString(admin),
                        "M0_SIGNER_AUTH_TOKEN_FILE", token.toString()), admin, PATIENCE);
                endpoints.add("https://127.0.0.1:" + port);
            }
            t.role("bundler", "bundler", Map.of("M0_SIGNER_ENDPOINT", String.join(",", endpoints),
                    "M0_SIGNER_TLS_CA_FILE", tls.resolve("ca.crt").toString(),
                    "M0_SIGNER_TLS_CERT_FILE", tls.resolve("bundler.crt").toString(),
                    "M0_SIGNER_TLS_KEY_FILE", tls.resolve("bundler.key").toString(),
                    "M0_SIGNER_AUTH_TOKEN_FILE", token.toString()), PATIENCE);
            t.role("submitter-a", "submitter", Map.of(), PATIENCE);
            t.role("submitter-b", "submitter", Map.of(), PATIENCE);
            t.role("reconciler", "reconciler", Map.of(), PATIENCE);
            t.role("ingestor", "ingestor", Map.of(), PATIENCE);
            t.role("aggregator", "aggregator", Map.of(), PATIENCE);
            t.role("quant-1", "quant", Map.of(), PATIENCE);
            t.role("quant-2", "quant", Map.of(), PATIENCE);
            RoleProcess api1 = t.role("api-1", "api-gateway,realtime", Map.of(), PATIENCE);
            RoleProcess api2 = t.role("api-2", "api-gateway,realtime", Map.of(), PATIENCE);

            StreamSubscriber first1 = new StreamSubscriber();
            StreamSubscriber on2 = new StreamSubscriber();
            WebSocket ws1 = subscribe(api1, first1);
            WebSocket ws2 = subscribe(api2, on2);

            // values flow through every process; both replicas serve the same verifiable values
            await("values on both API replicas", () -> !first1.values.isEmpty() && !on2.values.isEmpty());
            String market = first1.values.getFirst().split("/")[0];
            JsonNode latest = awaitValue("the same latest value of " + market + " on both replicas", () -> {
                JsonNode a = json(api1, "/v1/markets/" + market + "/latest");
                JsonNode c = json(api2, "/v1/markets/" + market + "/latest");
                String ha = a.at("/proof/bundle_hash_hex").asText();
                return !ha.isEmpty() && ha.equals(c.at("/proof/bundle_hash_hex").asText()) ? Optional.of(a)
                        : Optional.empty();
            });
            JsonNode signerSet = json(api1, "/v1/signer-sets/1");
            OfflineVerifier verifier = new OfflineVerifier(HTTP, Duration.ofSeconds(10));
            VerificationReport report = verifier.verify(latest, signerSet);
            assertThat(report.verified()).as(report.render()).isTrue();
            long epoch = latest.get("epoch_id").asLong();
            String epochPath = "/v1/markets/" + market + "/epochs/" + epoch;
            JsonNode finalized = awaitValue(epochPath + " FINALIZED, the same on both replicas", () -> {
                JsonNode a = json(api1, epochPath);
                JsonNode c = json(api2, epochPath);
                return a.at("/ledger/status").asText().equals("FINALIZED") && a.at("/proof/bundle_hash_hex")
                        .asText().equals(c.at("/proof/bundle_hash_hex").asText()) ? Optional.of(a) : Optional.empty();
            });
            assertThat(verifier.verify(finalized, signerSet).verified()).isTrue();

            // tick start -> revealed of FAST markets in this topology over 45 s of steady running (faults come after)
            Thread.sleep(45_000);
            String tickToReveal = tickToRevealed(() -> DriverManager.getConnection(t.postgres.jdbcUrl()), "FAST",
                    System.currentTimeMillis() - 45_000);
            System.out.println("split topology, FAST tick start -> revealed: " + tickToReveal);

            // every role in turn, then the infrastructure: SIGKILL, restart, publishing resumes by itself
            Map<String, Long> recoveryMs = new LinkedHashMap<>();
            StreamSubscriber restarted1 = new StreamSubscriber();
            String leader = leaseHolder(t);
            for (String role : List.of("ingestor", "aggregator", "quant-1", "bundler", "agent-0", leader,
                    "reconciler", "ledger", "api-1")) {
                RoleProcess p = t.process(role);
                long before = revealedSequence(t);
                long t0 = System.nanoTime();
                p.kill();
                if (role.startsWith("submitter")) {
                    // the standby takes over while the holder is down; restart the holder afterwards
                    await("a bundle revealed after " + role + " was killed", () -> revealedSequence(t) > before, () -> flow(t));
                    recoveryMs.put(role + " (standby took over)", (System.nanoTime() - t0) / 1_000_000);
                    p.start().awaitReady(PATIENCE);
                    continue;
                }
                p.start().awaitReady(PATIENCE);
                if (role.equals("api-1")) {
                    ws1.abort();
                    ws1 = subscribe(api1, restarted1);
                    await("values on the restarted api-1", () -> !restarted1.values.isEmpty());
                } else {
                    await("a bundle revealed after " + role + " was killed", () -> revealedSequence(t) > before, () -> flow(t));
                }
                recoveryMs.put(role, (System.nanoTime() - t0) / 1_000_000);
            }
            faultRecovery(recoveryMs, "kafka broker", t, () -> {
                t.broker.kill();
                t.broker.restart();
            });
            faultRecovery(recoveryMs, "redis", t, () -> {
                t.redis.kill();
                t.redis.restart();
            });
            faultRecovery(recoveryMs, "postgresql", t, () -> {
                t.postgres.close();
                t.postgres.start();
            });

            assertThat(on2.values).as("api-2's subscriber kept receiving values through the faults").isNotEmpty();
            StringBuilder table = new StringBuilder("FAST tick start -> revealed, m0 dev (same run, last 45 s of 75 s): "
                    + devTickToReveal + "\nFAST tick start -> revealed, split topology (45 s before the faults): "
                    + tickToReveal + "\nrecovery after SIGKILL (kill -> the next bundle revealed):\n");
            recoveryMs.forEach((k, v) -> table.append(String.format("  %-32s %6d ms%n", k, v)));
            System.out.println(table);
            java.nio.file.Files.writeString(t.logs.resolve("recovery.txt"), table);
            // invariants over everything that happened
            long settled = revealedSequence(t);
            await("publishing settled after the faults", () -> queryLong(t, "SELECT COUNT(*) FROM bundles WHERE"
                    + " status IN ('SIGNED', 'COMMITTED') AND sequence < " + (settled - 2)) == 0);
            assertThat(queryLong(t, "SELECT COUNT(*) FROM bundles WHERE status IN ('FAILED', 'MISMATCH')"))
                    .as("bundles failed or mismatched").isZero();
            assertThat(queryLong(t, "SELECT COUNT(*) FROM ledger_commit_audit")).as("commits without a record")
                    .isZero();
            long lastEpoch = queryLong(t, "SELECT MAX(epoch_id) FROM ledger_epochs");
            await("every epoch before the last two finalized", () -> queryLong(t, "SELECT COUNT(*) FROM"
                    + " ledger_epochs WHERE status <> 'FINALIZED' AND epoch_id < " + (lastEpoch - 1)) == 0);
            assertThat(on2.values).as("each value once on api-2 (never restarted)").doesNotHaveDuplicates();
            assertThat(first1.values).as("each value once on api-1 before its restart").doesNotHaveDuplicates();
            assertThat(restarted1.values).as("each value once on the restarted api-1").doesNotHaveDuplicates();
            JsonNode after = json(api2, "/v1/markets/" + market + "/latest");
            assertThat(verifier.verify(after, signerSet).verified()).isTrue();

            ws1.abort();
            ws2.abort();
        }
    }

    /**
     * p50/p95/max of tick start ({@code epoch_id * epoch_window_ms + tick * publish_cadence_ms}) to the bundle's
     * REVEALED transition, over the items of the tier's markets: the figure docs/benchmarks.md compares with m0 dev.
     */
    /** A source of connections (a pool's, or the driver's). */
    @FunctionalInterface
    interface Connections {
        Connection open() throws Exception;
    }

    private static String tickToRevealed(Connections db, String tier, long revealedSinceMs) {
        String sql = "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY l), percentile_cont(0.95) WITHIN GROUP"
                + " (ORDER BY l), max(l), count(*) FROM (SELECT tr.at_ms - (i.epoch_id * m.epoch_window_ms + i.tick"
                + " * m.publish_cadence_ms) AS l FROM bundle_items i JOIN markets m ON m.market_id = i.market_id"
                + " JOIN publish_transitions tr ON tr.bundle_hash = i.bundle_hash AND tr.status = 'REVEALED'"
                + " WHERE m.tier = '" + tier + "' AND tr.at_ms >= " + revealedSinceMs + ") x";
        try (Connection c = db.open(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return String.format("p50 %.0f ms, p95 %.0f ms, max %d ms over %d items", rs.getDouble(1),
                    rs.getDouble(2), rs.getLong(3), rs.getLong(4));
        } catch (Exception e) {
            return "(not measured: " + e + ")";
        }
    }

    /** The submitter process holding the lease (its {@code m0_lease_held} is 1). */
    private static String leaseHolder(SplitTopology t) throws Exception {
        for (String name : List.of("submitter-a", "submitter-b")) {
            if (t.process(name).adminBody("/metrics").contains("m0_lease_held{lease=\"submitter\"} 1.0")) {
                return name;
            }
        }
        throw new AssertionError("no submitter holds the lease");
    }

    @FunctionalInterface
    interface Fault {
        void inject() throws Exception;
    }

    private static void faultRecovery(Map<String, Long> recoveryMs, String name, SplitTopology t, Fault fault)
            throws Exception {
        long before = revealedSequence(t);
        long t0 = System.nanoTime();
        fault.inject();
        await("a bundle revealed after the " + name + " fault", () -> revealedSequence(t) > before, () -> flow(t));
        recoveryMs.put(name, (System.nanoTime() - t0) / 1_000_000);
    }

    static List<String> copy(List<String> values) {
        return new ArrayList<>(values);
    }
}
