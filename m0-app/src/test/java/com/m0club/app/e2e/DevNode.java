package com.m0club.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.chain.Ledger;
import com.m0club.chain.LedgerEvent;
import com.m0club.runtime.config.M0Keys;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Starting the whole oracle in-process for end-to-end tests, the way {@code m0 dev} does, with test-sized settings:
 * 15 s epochs that finalize 2 s after they end, every port picked free (API, admin, embedded PostgreSQL), and the
 * PostgreSQL binaries unpacked once per build under {@code target/pg-bin} instead of once per data directory.
 *
 * <p>Waiting is always for a condition, polled, with a generous deadline: nothing here depends on how fast the
 * machine is, only on the oracle getting there eventually.
 */
public final class DevNode {
    /** How long to wait for the oracle to reach a state (first reveals, finalized epochs, a restart). */
    static final Duration PATIENCE = Duration.ofSeconds(90);
    static final long EPOCH_WINDOW_MS = 15_000;
    static final long FINALIZATION_DELAY_MS = 2_000;

    private DevNode() {}

    /** The repository's markets file, found from the module directory (surefire runs tests there). */
    static Path marketsFile() {
        Path file = Path.of("..", "config", "markets.toml").toAbsolutePath().normalize();
        assertThat(file).as("the repository's markets file").isRegularFile();
        return file;
    }

    /** One unpacked copy of the PostgreSQL binaries for every node of the test run. */
    static Path postgresBinaries() {
        return Path.of("target", "pg-bin").toAbsolutePath().normalize();
    }

    /** The environment of {@code m0 dev} for a node on {@code dataDir}. */
    public static Map<String, String> env(Path dataDir) {
        return Map.of(
                "M0_ENV", "dev",
                "M0_DATA_DIR", dataDir.toAbsolutePath().toString(),
                "M0_API_PORT", "0",
                "M0_ADMIN_PORT", "0",
                "M0_DEV_EPOCH_WINDOW_MS", Long.toString(EPOCH_WINDOW_MS),
                "M0_DEV_FINALIZATION_DELAY_MS", Long.toString(FINALIZATION_DELAY_MS),
                "M0_LOG_FORMAT", "text",
                "M0_MARKETS_FILE", marketsFile().toString());
    }

    public static NodeOptions options(Path dataDir) {
        return NodeOptions.fromConfig(M0Keys.load(env(dataDir), Optional.empty())).withPorts(0, 0, 0)
                .withPostgresBinaries(postgresBinaries());
    }

    /** Starts a dev node on {@code dataDir}; the caller closes it. */
    static OracleNode start(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        return OracleNode.start(options(dataDir));
    }

    static URI api(OracleNode node) {
        return URI.create("http://127.0.0.1:" + node.apiPort());
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        awaitValue(what, timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /**
     * Polls {@code probe} until it yields a value; fails naming {@code what} after {@code timeout}. A probe that
     * throws (an assertion that does not hold yet, a read racing a write) counts as no value; its last failure is
     * the cause of the timeout.
     */
    static <T> T awaitValue(String what, Duration timeout, Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                Optional<T> value = probe.get();
                if (value.isPresent()) {
                    return value.get();
                }
            } catch (RuntimeException | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + (last == null ? "" : "; last attempt: " + last), last);
            }
            Thread.sleep(200);
        }
    }

    /**
     * A database outage for one kind of write: from now on PostgreSQL refuses every move of a bundle to COMMITTED
     * (a trigger raising an error), while everything else works; {@link #allowMovesToCommitted} heals it.
     */
    static void refuseMovesToCommitted(com.m0club.store.postgres.Jdbc jdbc) {
        jdbc.update("test.fail_fn", """
                CREATE OR REPLACE FUNCTION test_refuse_committed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'injected: the database refused the write'; END $$""");
        jdbc.update("test.fail_trigger", """
                CREATE TRIGGER test_refuse_committed BEFORE UPDATE ON bundles FOR EACH ROW
                WHEN (NEW.status = 'COMMITTED' AND OLD.status <> 'COMMITTED')
                EXECUTE FUNCTION test_refuse_committed()""");
    }

    /** Ends {@link #refuseMovesToCommitted}. */
    static void allowMovesToCommitted(com.m0club.store.postgres.Jdbc jdbc) {
        jdbc.update("test.heal", "DROP TRIGGER test_refuse_committed ON bundles");
    }

    /** Every event the ledger holds, in index order (the local ledger keeps them across restarts). */
    static List<LedgerEvent> events(Ledger ledger) {
        List<LedgerEvent> all = new ArrayList<>();
        long next = 0;
        while (true) {
            List<LedgerEvent> page = ledger.events(next, 1_000);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
            next = page.getLast().index() + 1;
        }
    }

    /** The ledger's events of one kind. */
    static <E extends LedgerEvent> List<E> events(Ledger ledger, Class<E> kind) {
        return events(ledger).stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** The sum of counter {@code name} over the data points whose label {@code labelName} is {@code labelValue}. */
    static double counter(OracleNode node, String name, String labelName, String labelValue) {
        double sum = 0;
        for (MetricSnapshot s : node.registry().scrape()) {
            if (s instanceof CounterSnapshot c && c.getMetadata().getName().equals(name)) {
                for (var d : c.getDataPoints()) {
                    if (labelValue.equals(d.getLabels().get(labelName))) {
                        sum += d.getValue();
                    }
                }
            }
        }
        return sum;
    }
}
