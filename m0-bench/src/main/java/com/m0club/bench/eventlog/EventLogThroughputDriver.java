package com.m0club.bench.eventlog;

import com.m0club.adapter.eventlog.kafka.KafkaEventLog;
import com.m0club.adapter.eventlog.kafka.KafkaTopics;
import com.m0club.adapter.eventlog.kafka.testing.KafkaBrokerProcess;
import com.m0club.devkit.sim.Simulator;
import com.m0club.devkit.sim.SimulatorSource;
import com.m0club.engine.aggregate.Aggregator;
import com.m0club.engine.aggregate.AggregatorConfig;
import com.m0club.engine.aggregate.AggregatorMetrics;
import com.m0club.engine.ingest.IngestConfig;
import com.m0club.engine.ingest.IngestMetrics;
import com.m0club.engine.ingest.IngestResult;
import com.m0club.engine.ingest.Ingestor;
import com.m0club.engine.ingest.NormalizedEvent;
import com.m0club.engine.market.MarketLookup;
import com.m0club.engine.source.SourceQuote;
import com.m0club.engine.topic.EngineTopics;
import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.InProcessEventLog;
import com.m0club.eventlog.Outgoing;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import com.m0club.protocol.registry.Market;
import com.m0club.store.registry.MarketsFile;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;

/**
 * Ingest -> aggregate throughput through the event log, in-process and Kafka in one run (issue 8's benchmark):
 * simulator quotes are generated up front; then, for each log, one thread runs the real {@link Ingestor} over them
 * and publishes the accepted {@link NormalizedEvent}s on {@code m0.events} with the real codec in batches
 * ({@link EventLog#publishAll}), while the aggregator group consumes them into a real {@link Aggregator}. The figure is
 * events handled by the aggregator per second, from the first publish to the last event handled.
 *
 * <pre>
 * bench/eventlog-throughput.sh [EVENTS] [BATCH]      (defaults 300000 and 1000)
 * </pre>
 * The Kafka broker is a single KRaft node in its own JVM on this machine (the adapter's test fixture), 12 partitions,
 * replication factor 1, acks=all, idempotent producer.
 */
public final class EventLogThroughputDriver {
    private EventLogThroughputDriver() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        List<Market> markets = MarketsFile.read(Path.of("config", "markets.toml"));
        InstantSource clock = InstantSource.system();
        List<SourceQuote> quotes = quotes(markets, events);
        System.out.printf("generated %,d quotes for %d markets%n", quotes.size(), markets.size());

        InProcessEventLog memory = InProcessEventLog.builder().partitions(12).capacityPerPartition(1 << 16)
                .publishTimeout(Duration.ofSeconds(30)).build(new PrometheusRegistry(), clock);
        Result inProcess = run("in-process", memory, EngineTopics.EVENTS, markets, quotes, batch, clock);
        memory.close();

        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
                KafkaTopics.ensure(admin, List.of(EngineTopics.EVENTS.name()),
                        new KafkaTopics.Settings(12, 1, Duration.ofHours(1)), Duration.ofSeconds(60));
            }
            KafkaEventLog kafka = KafkaEventLog.builder().url(broker.url()).clientId("bench")
                    .publishTimeout(Duration.ofSeconds(30)).build(new PrometheusRegistry(), clock);
            Result overKafka = run("kafka", kafka, EngineTopics.EVENTS, markets, quotes, batch, clock);
            kafka.close();
            System.out.println();
            System.out.println("| log | events | ingest + publish (events/s) | ingest -> aggregate (events/s) |"
                    + " publish -> consume, log only (events/s) |");
            System.out.println("|---|---|---|---|---|");
            for (Result r : List.of(inProcess, overKafka)) {
                System.out.printf("| %s | %,d | %,.0f | %,.0f | %,.0f |%n", r.name(), r.events(), r.publishRate(),
                        r.endToEndRate(), r.logOnlyRate());
            }
        }
    }

    record Result(String name, long events, double publishRate, double endToEndRate, double logOnlyRate) {}

    private static List<SourceQuote> quotes(List<Market> markets, int wanted) {
        SimulatorSource source = new SimulatorSource(Simulator.builder().seed(42).markets(markets)
                .startMs(1_700_000_000_000L).adversarialPerMarket(1).build());
        source.start();
        List<SourceQuote> out = new ArrayList<>(wanted);
        long t = 1_700_000_000_000L;
        while (out.size() < wanted) {
            t += 250;
            out.addAll(source.poll(Instant.ofEpochMilli(t)));
        }
        return out.subList(0, wanted);
    }

    private static Result run(String name, EventLog log, Topic<NormalizedEvent> topic, List<Market> markets,
            List<SourceQuote> quotes, int batch, InstantSource clock) throws Exception {
        // the ingestor judges each quote at its own event time (the quotes were generated in simulated time)
        AtomicLong quoteTime = new AtomicLong();
        InstantSource atQuote = () -> Instant.ofEpochMilli(quoteTime.get());
        Ingestor ingestor = new Ingestor(MarketLookup.of(markets), IngestConfig.DEFAULTS, atQuote,
                new IngestMetrics(new PrometheusRegistry()));
        Aggregator aggregator = new Aggregator(MarketLookup.of(markets), AggregatorConfig.DEFAULTS,
                new AggregatorMetrics(new PrometheusRegistry()));
        AtomicLong handled = new AtomicLong();
        AtomicLong lastHandledNanos = new AtomicLong();
        Subscription sub = log.subscribe(topic, "aggregator-" + name, SubscribeFrom.LATEST, r -> {
            synchronized (aggregator) {
                aggregator.accept(r.value());
            }
            handled.incrementAndGet();
            lastHandledNanos.set(System.nanoTime());
        });
        Thread.sleep(3_000); // the group is assigned its partitions
        long published = 0;
        long t0 = System.nanoTime();
        List<Outgoing<NormalizedEvent>> pending = new ArrayList<>(batch);
        for (SourceQuote q : quotes) {
            quoteTime.set(q.eventTimeMs() + 50);
            if (ingestor.ingest(q) instanceof IngestResult.Accepted a) {
                pending.add(Outgoing.of(a.event().market().value(), a.event()));
                if (pending.size() == batch) {
                    log.publishAll(topic, pending);
                    published += pending.size();
                    pending = new ArrayList<>(batch);
                }
            }
        }
        log.publishAll(topic, pending);
        published += pending.size();
        long publishedNanos = System.nanoTime() - t0;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (handled.get() < published && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        sub.close();
        double seconds = (lastHandledNanos.get() - t0) / 1e9;
        System.out.printf("%s: %,d events published in %.2f s, %,d handled by the aggregator in %.2f s%n", name,
                published, publishedNanos / 1e9, handled.get(), seconds);
        // the log alone: the same events again, already ingested, published and consumed by a second group
        List<NormalizedEvent> ready = new ArrayList<>();
        Ingestor again = new Ingestor(MarketLookup.of(markets), IngestConfig.DEFAULTS, atQuote,
                new IngestMetrics(new PrometheusRegistry()));
        for (SourceQuote q : quotes) {
            quoteTime.set(q.eventTimeMs() + 50);
            if (again.ingest(q) instanceof IngestResult.Accepted a) {
                ready.add(a.event());
            }
        }
        AtomicLong handled2 = new AtomicLong();
        AtomicLong last2 = new AtomicLong();
        Subscription sub2 = log.subscribe(topic, "log-only-" + name, SubscribeFrom.LATEST, r -> {
            handled2.incrementAndGet();
            last2.set(System.nanoTime());
        });
        Thread.sleep(3_000);
        long t1 = System.nanoTime();
        List<Outgoing<NormalizedEvent>> chunk = new ArrayList<>(batch);
        for (NormalizedEvent e : ready) {
            chunk.add(Outgoing.of(e.market().value(), e));
            if (chunk.size() == batch) {
                log.publishAll(topic, chunk);
                chunk = new ArrayList<>(batch);
            }
        }
        log.publishAll(topic, chunk);
        long deadline2 = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (handled2.get() < ready.size() && System.nanoTime() < deadline2) {
            Thread.sleep(20);
        }
        sub2.close();
        double logOnly = handled2.get() / ((last2.get() - t1) / 1e9);
        System.out.printf("%s, log only: %,d events in %.2f s%n", name, handled2.get(), (last2.get() - t1) / 1e9);
        return new Result(name, published, published / (publishedNanos / 1e9), handled.get() / seconds, logOnly);
    }
}
