package com.m0club.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The event log's two promises: per-key order with exactly-once delivery per group, and a hard memory bound. */
class InProcessEventLogProperties {
    private static final Topic<Msg> TOPIC = Topic.of(Topics.FEATURES, Msg.class, 1, new RecordCodec<>() {
        @Override
        public byte[] encode(Msg m) {
            return new RecordWriter().str(m.key()).i32(m.seq()).toByteArray();
        }

        @Override
        public Msg decode(byte[] bytes) {
            return RecordReader.decode("Msg", bytes, r -> new Msg(r.str("key"), r.i32("seq")));
        }
    });
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(0));

    /** A record: its key and its index in publish order. */
    record Msg(String key, int seq) {}

    @Provide
    Arbitrary<List<String>> keys() {
        return Arbitraries.of("NBA_LAL_BOS", "EPL_ARS_MCI", "CRYPTO_BTC_RANGE_24H", "POL_UK_GE_NEXT", "A", "B", "C")
                .list().ofMinSize(0).ofMaxSize(300);
    }

    @Property(tries = 40)
    void perKeyOrderIsKeptAndEveryRecordReachesEveryGroupExactlyOnce(
            @ForAll("keys") List<String> keys,
            @ForAll @IntRange(min = 1, max = 8) int partitions,
            @ForAll @IntRange(min = 1, max = 64) int capacity,
            @ForAll @IntRange(min = 1, max = 3) int groups) throws Exception {
        try (InProcessEventLog log = new InProcessEventLog(partitions, capacity, Duration.ofSeconds(30),
                new PrometheusRegistry(), CLOCK)) {
            List<Map<String, List<Integer>>> received = new ArrayList<>();
            CountDownLatch all = new CountDownLatch(keys.size() * groups);
            for (int g = 0; g < groups; g++) {
                Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();
                received.add(byKey);
                log.subscribe(TOPIC, "group-" + g, r -> {
                    // One thread per partition: appending to a key's list needs no lock (single writer per key).
                    byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value().seq());
                    assertThat(r.partition()).isEqualTo(log.partitionFor(r.key()));
                    all.countDown();
                });
            }
            // Small capacities make publishers wait for consumers: back-pressure, never loss, while they keep up.
            for (int i = 0; i < keys.size(); i++) {
                log.publish(TOPIC, keys.get(i), new Msg(keys.get(i), i));
            }
            assertThat(all.await(60, TimeUnit.SECONDS)).isTrue();

            Map<String, List<Integer>> expected = new java.util.HashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                expected.computeIfAbsent(keys.get(i), k -> new ArrayList<>()).add(i);
            }
            for (Map<String, List<Integer>> byKey : received) {
                assertThat(byKey).isEqualTo(expected);
            }
            // Nothing more arrives afterwards (exactly once, not at least once, when no handler fails).
            for (var sub : received) {
                assertThat(sub.values().stream().mapToInt(List::size).sum()).isEqualTo(keys.size());
            }
            assertThat(all.getCount()).isZero();
        }
    }

    @Property(tries = 15)
    void aStalledConsumerMakesPublishesTimeOutAndCountDropsInsteadOfGrowing(
            @ForAll @IntRange(min = 1, max = 32) int capacity,
            @ForAll @IntRange(min = 1, max = 5) int extra) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (InProcessEventLog log = new InProcessEventLog(1, capacity, Duration.ofMillis(20), registry, CLOCK)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch handled = new CountDownLatch(capacity);
            log.subscribe(TOPIC, "stalled", r -> {
                release.await();
                handled.countDown();
            });
            for (int i = 0; i < capacity; i++) {
                log.publish(TOPIC, "K", new Msg("K", i));
            }
            for (int i = 0; i < extra; i++) {
                int seq = capacity + i;
                assertThatThrownBy(() -> log.publish(TOPIC, "K", new Msg("K", seq)))
                        .isInstanceOf(EventLogFullException.class)
                        .hasMessageContaining("is full (" + capacity + " records not yet handled");
            }
            assertThat(log.retained(Topics.FEATURES)).isEqualTo(capacity);
            assertThat(InProcessEventLogTest.counter(registry, "m0_eventlog_dropped", "topic", Topics.FEATURES))
                    .isEqualTo(extra);
            release.countDown();
            assertThat(handled.await(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Example
    void keysSpreadOverPartitionsTheSameWayEveryTime() {
        try (InProcessEventLog log = new InProcessEventLog(16, 1, Duration.ZERO, new PrometheusRegistry(), CLOCK)) {
            Map<Integer, List<String>> spread = java.util.stream.IntStream.range(0, 200).mapToObj(i -> "M_" + i)
                    .collect(Collectors.groupingBy(log::partitionFor));
            assertThat(spread.keySet()).hasSizeGreaterThan(8);
            assertThat(log.partitionFor("NBA_LAL_BOS")).isEqualTo(Math.floorMod("NBA_LAL_BOS".hashCode(), 16));
        }
    }
}
