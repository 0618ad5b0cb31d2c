package com.m0club.bench.dev;

import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.chain.Ledger;
import com.m0club.chain.LedgerEvent;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.log.LogFormat;
import com.m0club.runtime.log.Logging;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Measures quote-to-reveal latency of the walking skeleton: starts the whole dev oracle in this JVM (as
 * {@code m0 dev} does, on a fresh data directory and ephemeral ports), taps every simulated quote, follows the
 * ledger's events, and after the measurement window prints the latency distribution per tier (see
 * {@link QuoteToRevealTracker} for the exact rule) and what dominates it. Then it stops the node and deletes the
 * data directory it created.
 *
 * <pre>
 *   ./m0 build -q -pl m0-bench -am
 *   java -cp "m0-bench/target/classes:m0-bench/target/lib/*" com.m0club.bench.dev.QuoteToRevealDriver --minutes 3
 * </pre>
 *
 * (or {@code bench/quote-to-reveal.sh 3}). Exit code 0 when the run measured at least one quote, 1 when it did not,
 * 2 on bad options.
 */
public final class QuoteToRevealDriver {
    private final DriverOptions options;
    private final InstantSource clock;
    private final PrintStream out;

    QuoteToRevealDriver(DriverOptions options, InstantSource clock, PrintStream out) {
        this.options = options;
        this.clock = clock;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        DriverOptions options;
        try {
            options = DriverOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int code = new QuoteToRevealDriver(options, InstantSource.system(), System.out).run();
        System.exit(code);
    }

    int run() throws Exception {
        if (!Files.isRegularFile(options.marketsFile())) {
            throw new IllegalArgumentException("--markets-file: " + options.marketsFile().toAbsolutePath()
                    + " does not exist (run from the repository root or pass the path)");
        }
        Logging.configure(LogFormat.TEXT, options.logLevel(), System.err);
        boolean ownDataDir = options.dataDir().isEmpty();
        Path dataDir = options.dataDir().orElseGet(QuoteToRevealDriver::tempDataDir);
        Config config = M0Keys.load(Map.of("M0_ENV", "dev", "M0_DATA_DIR", dataDir.toString(), "M0_API_PORT", "0",
                "M0_ADMIN_PORT", "0", "M0_MARKETS_FILE", options.marketsFile().toAbsolutePath().toString(),
                "M0_LOG_FORMAT", "text", "M0_LOG_LEVEL", options.logLevel()), Optional.empty());
        NodeOptions nodeOptions = NodeOptions.fromConfig(config).withPorts(0, 0, 0);

        // The registry does not change during a run; cache it so the tap and the listener read the ledger once.
        // The tap runs from the start of the node, before its ledger is known here: no market until then.
        Map<MarketId, Optional<Market>> marketCache = new ConcurrentHashMap<>();
        AtomicReference<Ledger> ledgerRef = new AtomicReference<>();
        Function<MarketId, Optional<Market>> markets = id -> {
            Ledger ledger = ledgerRef.get();
            return ledger == null ? Optional.empty() : marketCache.computeIfAbsent(id, ledger::market);
        };
        QuoteToRevealTracker tracker = new QuoteToRevealTracker(markets, nodeOptions.engineTick().toMillis());

        long launchMs = ManagementFactory.getRuntimeMXBean().getStartTime();
        long startCallMs = clock.millis();
        OracleNode node = OracleNode.start(nodeOptions, Optional.of(q -> tracker.quoteIngested(q, clock.millis())));
        try {
            long upMs = clock.millis();
            Ledger ledger = node.ledger();
            ledgerRef.set(ledger);
            Ledger.Subscription subscription = ledger.subscribe(tracker::ledgerEvent);
            long from = upMs + options.warmup().toMillis();
            long until = from + options.measure().toMillis();
            tracker.open(from, until);
            out.printf(Locale.ROOT, "node up in %d ms (JVM launch to up: %d ms); api :%d, admin :%d, data %s%n",
                    upMs - startCallMs, upMs - launchMs, node.apiPort(), node.adminPort(), dataDir);
            out.printf(Locale.ROOT, "warmup %d s, measuring %d s, drain %d s%n", options.warmup().toSeconds(),
                    options.measure().toSeconds(), options.drain().toSeconds());
            sleepUntil(until + options.drain().toMillis());
            subscription.close();
            QuoteToRevealTracker.Report report = tracker.report();
            out.println();
            ReportTable.print(report, out);
            List<LedgerEvent> events = allEvents(ledger);
            StageBreakdown.of(events, h -> ledger.revealedBundle(h)
                    .map(r -> BundleCodec.decodeSigned(r.signedBundleBytes()).bundle().header()), markets, from)
                    .print(out);
            printFirsts(events, launchMs, upMs);
            printPipelineCounters(node.registry());
            printMemory();
            return report.quotesMatched() > 0 ? 0 : 1;
        } finally {
            node.close();
            if (ownDataDir) {
                deleteRecursively(dataDir);
            }
        }
    }

    private void sleepUntil(long deadlineMs) throws InterruptedException {
        long left;
        while ((left = deadlineMs - clock.millis()) > 0) {
            Thread.sleep(Math.min(left, 1_000));
        }
    }

    /** Every event the ledger holds, in index order. */
    private static List<LedgerEvent> allEvents(Ledger ledger) {
        List<LedgerEvent> all = new ArrayList<>();
        while (true) {
            List<LedgerEvent> batch = ledger.events(all.size(), 512);
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }

    /** When the ledger first accepted an item and first finalized an epoch, from the ledger's own events. */
    private void printFirsts(List<LedgerEvent> events, long launchMs, long upMs) {
        OptionalLong firstItem = events.stream().filter(e -> e instanceof LedgerEvent.ItemAccepted)
                .mapToLong(LedgerEvent::timeMs).findFirst();
        OptionalLong firstFinalized = events.stream().filter(e -> e instanceof LedgerEvent.EpochFinalized)
                .mapToLong(LedgerEvent::timeMs).findFirst();
        out.printf(Locale.ROOT, "first item revealed: %s after JVM launch, %s after the node was up%n",
                since(firstItem, launchMs), since(firstItem, upMs));
        out.printf(Locale.ROOT, "first epoch finalized: %s after JVM launch, %s after the node was up%n",
                since(firstFinalized, launchMs), since(firstFinalized, upMs));
    }

    private static String since(OptionalLong t, long originMs) {
        return t.isPresent() ? (t.getAsLong() - originMs) + " ms" : "never";
    }

    /** What ingest and the model did with the quotes: the share of quotes that could be in an item at all. */
    private void printPipelineCounters(PrometheusRegistry registry) {
        var snapshots = registry.scrape();
        out.printf(Locale.ROOT, "ingest: accepted %.0f, duplicate %.0f, rejected %.0f; quant outputs: published %.0f,"
                + " blocked %.0f; bundler rounds: signed %.0f, empty %.0f, quorum_failed %.0f%n",
                counter(snapshots, "m0_ingest_events", "result", "accepted"),
                counter(snapshots, "m0_ingest_events", "result", "duplicate"),
                counter(snapshots, "m0_ingest_events", "result", "rejected"),
                counter(snapshots, "m0_quant_outputs", "result", "published"),
                counter(snapshots, "m0_quant_outputs", "result", "blocked"),
                counter(snapshots, "m0_bundler_rounds", "outcome", "signed"),
                counter(snapshots, "m0_bundler_rounds", "outcome", "empty"),
                counter(snapshots, "m0_bundler_rounds", "outcome", "quorum_failed"));
    }

    private static double counter(Iterable<MetricSnapshot> snapshots, String name, String label, String value) {
        double sum = 0;
        for (MetricSnapshot s : snapshots) {
            if (s instanceof CounterSnapshot c && c.getMetadata().getName().equals(name)) {
                for (var point : c.getDataPoints()) {
                    if (value.equals(point.getLabels().get(label))) {
                        sum += point.getValue();
                    }
                }
            }
        }
        return sum;
    }

    /** This JVM's memory (node plus driver): RSS now and peak from /proc, heap used from the JVM. */
    private void printMemory() {
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        String rss = "?";
        String hwm = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = line.substring(6).strip();
                } else if (line.startsWith("VmHWM:")) {
                    hwm = line.substring(6).strip();
                }
            }
        } catch (IOException e) {
            // not Linux: leave the RSS figures out
        }
        out.printf(Locale.ROOT, "memory of this JVM (node + driver): RSS %s, peak RSS %s, heap used %d MiB of %d MiB"
                + " committed (max %d MiB)%n", rss, hwm, heap.getUsed() >> 20, heap.getCommitted() >> 20,
                heap.getMax() >> 20);
    }

    private static Path tempDataDir() {
        try {
            return Files.createTempDirectory("m0-q2r-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
