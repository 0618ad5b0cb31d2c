package com.m0club.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InProcessEventLogTest {
    static final Topic<String> EVENTS = Topic.of(Topics.EVENTS, String.class, 1, StringCodec.INSTANCE);
    static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_000L));

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private InProcessEventLog log;

    @AfterEach
    void tearDown() {
        if (log != null) {
            log.close();
        }
    }

    static double counter(PrometheusRegistry registry, String name, String... labels) {
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof CounterSnapshot c && c.getMetadata().getPrometheusName().equals(name)) {
                return c.getDataPoints().stream().filter(d -> d.getLabels().equals(Labels.of(labels)))
                        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
            }
        }
        return 0;
    }

    static double gauge(PrometheusRegistry registry, String name, String... labels) {
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof GaugeSnapshot g && g.getMetadata().getPrometheusName().equals(name)) {
                return g.getDataPoints().stream().filter(d -> d.getLabels().equals(Labels.of(labels)))
                        .mapToDouble(GaugeSnapshot.GaugeDataPointSnapshot::getValue).sum();
            }
        }
        return -1;
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(30, TimeUnit.SECONDS)).as("delivered within 30 s").isTrue();
    }

    @Test
    void recordsCarryTheirPositionKeyAndPublishTime() throws Exception {
        log = new InProcessEventLog(4, 16, Duration.ofSeconds(1), registry, CLOCK);
        List<EventRecord<String>> got = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(2);
        log.subscribe(EVENTS, "aggregator", r -> {
            got.add(r);
            done.countDown();
        });
        log.publish(EVENTS, "NBA_LAL_BOS", "e1");
        log.publish(EVENTS, "NBA_LAL_BOS", "e2");
        await(done);
        int p = log.partitionFor("NBA_LAL_BOS");
        assertThat(got).containsExactly(
                new EventRecord<>(EVENTS, p, 0, "NBA_LAL_BOS", "e1", 1_700_000_000_000L),
                new EventRecord<>(EVENTS, p, 1, "NBA_LAL_BOS", "e2", 1_700_000_000_000L));
        assertThat(counter(registry, "m0_eventlog_published", "topic", "m0.events")).isEqualTo(2);
    }

    @Test
    void aLateGroupStartsFromTheEarliestRetainedRecordOrFromTheLatest() throws Exception {
        // A generous publish timeout: r5 below waits until the replaying group has handled r2.
        log = new InProcessEventLog(1, 3, Duration.ofSeconds(30), registry, CLOCK);
        for (int i = 0; i < 5; i++) {
            log.publish(EVENTS, "K", "r" + i);
        }
        assertThat(log.retained(Topics.EVENTS)).as("nobody subscribed: the ring keeps the last 3").isEqualTo(3);

        List<String> earliest = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(4);
        log.subscribe(EVENTS, "replayer", SubscribeFrom.EARLIEST, r -> {
            earliest.add(r.value() + "@" + r.offset());
            three.countDown();
        });
        List<String> latest = new CopyOnWriteArrayList<>();
        CountDownLatch one = new CountDownLatch(1);
        log.subscribe(EVENTS, "live", SubscribeFrom.LATEST, r -> {
            latest.add(r.value() + "@" + r.offset());
            one.countDown();
        });
        log.publish(EVENTS, "K", "r5");
        await(three);
        await(one);
        assertThat(earliest).containsExactly("r2@2", "r3@3", "r4@4", "r5@5");
        assertThat(latest).containsExactly("r5@5");
    }

    @Test
    void aFailingHandlerIsRetriedWithBackoffThenSkippedAndCounted() throws Exception {
        log = InProcessEventLog.builder().partitions(2).capacityPerPartition(8).maxAttempts(3)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(4)).build(registry, CLOCK);
        AtomicInteger attemptsOnBad = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(2);
        log.subscribe(EVENTS, "quant", r -> {
            if (r.value().equals("flaky") && attemptsOnBad.incrementAndGet() < 2) {
                throw new IllegalStateException("transient");
            }
            if (r.value().equals("poison")) {
                throw new IllegalArgumentException("never works");
            }
            handled.add(r.value());
            done.countDown();
        });
        log.publish(EVENTS, "M", "flaky");
        log.publish(EVENTS, "M", "poison");
        log.publish(EVENTS, "M", "after");
        await(done);
        assertThat(handled).containsExactly("flaky", "after");
        assertThat(counter(registry, "m0_eventlog_handler_errors", "group", "quant", "topic", "m0.events"))
                .isEqualTo(1 + 3);
        assertThat(counter(registry, "m0_eventlog_skipped", "group", "quant", "topic", "m0.events")).isEqualTo(1);
    }

    @Test
    void lagIsReportedPerGroup() throws Exception {
        log = new InProcessEventLog(2, 16, Duration.ofSeconds(1), registry, CLOCK);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Subscription stalled = log.subscribe(EVENTS, "slow", r -> {
            started.countDown();
            release.await();
        });
        for (int i = 0; i < 5; i++) {
            log.publish(EVENTS, "SAME_KEY", "r" + i);
        }
        await(started);
        assertThat(stalled.lag()).isEqualTo(5);
        assertThat(gauge(registry, "m0_eventlog_lag", "group", "slow", "topic", "m0.events")).isEqualTo(5);
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (stalled.lag() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(stalled.lag()).isZero();
    }

    @Test
    void misuseIsRefusedClearly() {
        log = new InProcessEventLog(2, 4, Duration.ZERO, registry, CLOCK);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Topic<Object> raw = (Topic) EVENTS;
        assertThatThrownBy(() -> log.publish(raw, "K", 42))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a java.lang.String");
        assertThatThrownBy(() -> log.publish(EVENTS, "", "x")).hasMessageContaining("key");
        log.publish(EVENTS, "K", "x");
        Topic<String> v2 = Topic.of(Topics.EVENTS, String.class, 2, StringCodec.INSTANCE);
        assertThatThrownBy(() -> log.publish(v2, "K", "x"))
                .hasMessageContaining("already in use as m0.events (String v1)");
        log.subscribe(EVENTS, "g", r -> { });
        assertThatThrownBy(() -> log.subscribe(EVENTS, "g", r -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already subscribed");
        assertThatThrownBy(() -> Topic.of("M0.Events", String.class, 1, StringCodec.INSTANCE))
                .hasMessageContaining("topic name");
        log.close();
        assertThatThrownBy(() -> log.publish(EVENTS, "K", "x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingStopsConsumersAfterTheirCurrentRecord() throws Exception {
        log = new InProcessEventLog(1, 16, Duration.ofSeconds(1), registry, CLOCK);
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        Subscription sub = log.subscribe(EVENTS, "g", r -> {
            inHandler.countDown();
            release.await();
            handled.incrementAndGet();
        });
        log.publish(EVENTS, "K", "a");
        log.publish(EVENTS, "K", "b");
        await(inHandler);
        Thread closer = Thread.ofVirtual().start(sub::close);
        // release the handler only once close() is under way (parked, waiting for the in-flight record): released
        // earlier, the consumer could legitimately start the next record before close() was called
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (closer.getState() != Thread.State.WAITING && closer.getState() != Thread.State.TIMED_WAITING
                && closer.isAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        release.countDown();
        closer.join(Duration.ofSeconds(30));
        assertThat(closer.isAlive()).isFalse();
        assertThat(handled.get()).as("the in-flight record finished, the next one never started").isEqualTo(1);
        // A closed group no longer holds records back: the ring can be filled and overwritten again.
        for (int i = 0; i < 40; i++) {
            log.publish(EVENTS, "K", "x" + i);
        }
    }
}
