package com.m0club.adapter.eventlog.nats;

import static com.m0club.adapter.eventlog.nats.Fixtures.await;
import static com.m0club.adapter.eventlog.nats.Fixtures.firstSeenOrder;
import static com.m0club.adapter.eventlog.nats.Fixtures.newTopic;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.adapter.eventlog.nats.testing.NatsServerProcess;
import com.m0club.eventlog.EventRecord;
import com.m0club.eventlog.RecordHandler;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import com.m0club.eventlog.testing.EventLogContract.ManualTime;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances (two logs, two connections) of one consumer group: they share each partition's records, never handle
 * two records of one partition at once, keep per-key order, and when one leaves the other handles the rest.
 */
class NatsEventLogGroupTest {
    private static final int PARTITIONS = 4;
    private static NatsServerProcess server;
    private static NatsStreams streams;

    private final ManualTime clock = new ManualTime(1_700_000_000_000L);
    private final List<NatsEventLog> logs = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = NatsServerProcess.start();
        streams = new NatsStreams(server.url(), new StreamSettings("GT", PARTITIONS, 1, Duration.ofHours(1)));
    }

    @AfterAll
    static void stopServer() {
        if (streams != null) {
            streams.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeLogs() {
        logs.reversed().forEach(NatsEventLog::close);
    }

    private NatsEventLog instance() {
        NatsEventLog log = NatsEventLog.builder().servers(server.url()).partitions(PARTITIONS).streamPrefix("GT")
                .ackWait(Duration.ofSeconds(2)).reconnectWait(Duration.ofMillis(100))
                .build(new PrometheusRegistry(), clock);
        logs.add(log);
        return log;
    }

    /** Records what each instance handled, per key in handling order, and whether a partition ever ran twice. */
    private static final class Recorder {
        final Map<String, List<String>> byKey = new ConcurrentHashMap<>();
        final Set<String> handled = ConcurrentHashMap.newKeySet();
        final Map<String, AtomicInteger> perInstance = new ConcurrentHashMap<>();
        final AtomicIntegerArray inFlight = new AtomicIntegerArray(PARTITIONS);
        final AtomicInteger overlaps = new AtomicInteger();

        RecordHandler<String> handler(String instance) {
            return (EventRecord<String> r) -> {
                if (inFlight.incrementAndGet(r.partition()) > 1) {
                    overlaps.incrementAndGet();
                }
                try {
                    Thread.sleep(1); // widen the window in which a second handler of the partition would show
                    byKey.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>()).add(r.value());
                    handled.add(r.value());
                    perInstance.computeIfAbsent(instance, k -> new AtomicInteger()).incrementAndGet();
                } finally {
                    inFlight.decrementAndGet(r.partition());
                }
            };
        }
    }

    private static void publish(NatsEventLog log, Topic<String> t, int from, int to) {
        for (int i = from; i < to; i++) {
            String key = "m" + (i % 20);
            log.publish(t, key, key + ":" + i);
        }
    }

    @Test
    void twoInstancesOfOneGroupShareThePartitionsOneRecordOfAPartitionAtATimeInPerKeyOrder() throws Exception {
        Topic<String> t = newTopic();
        streams.ensure(t.name());
        NatsEventLog a = instance();
        NatsEventLog b = instance();
        Recorder rec = new Recorder();
        try (Subscription sa = a.subscribe(t, "shared", rec.handler("a"));
                Subscription sb = b.subscribe(t, "shared", rec.handler("b"))) {
            publish(a, t, 0, 400);
            await("every record", () -> rec.handled.size() == 400);
            await("caught up", () -> sa.lag() == 0 && sb.lag() == 0);
        }
        assertThat(rec.overlaps.get()).as("records of one partition handled at once").isZero();
        for (var e : rec.byKey.entrySet()) {
            assertThat(firstSeenOrder(e.getValue())).as("key " + e.getKey()).isSorted();
        }
        assertThat(rec.perInstance.keySet()).as("both instances took records").containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void whenOneInstanceLeavesTheOtherHandlesTheRestAndNothingIsLost() throws Exception {
        Topic<String> t = newTopic();
        streams.ensure(t.name());
        NatsEventLog a = instance();
        NatsEventLog b = instance();
        Recorder rec = new Recorder();
        Subscription sa = a.subscribe(t, "shared", rec.handler("a"));
        try (Subscription sb = b.subscribe(t, "shared", rec.handler("b"))) {
            publish(a, t, 0, 100);
            await("the first hundred", () -> rec.handled.size() == 100);
            sa.close();
            int byA = rec.perInstance.getOrDefault("a", new AtomicInteger()).get();
            publish(a, t, 100, 200);
            await("the rest", () -> rec.handled.size() == 200);
            assertThat(rec.perInstance.getOrDefault("a", new AtomicInteger()).get()).as("a after it left")
                    .isEqualTo(byA);
            await("caught up", () -> sb.lag() == 0);
        }
        for (var e : rec.byKey.entrySet()) {
            assertThat(firstSeenOrder(e.getValue())).as("key " + e.getKey()).isSorted();
        }
    }
}
