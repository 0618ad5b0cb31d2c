package com.m0club.eventlog.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.EventRecord;
import com.m0club.eventlog.RecordCodec;
import com.m0club.eventlog.RecordReader;
import com.m0club.eventlog.RecordWriter;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link EventLog} contract as one suite, run against every implementation (in-process, Kafka, NATS): extend it
 * and say how to open a log. Every test uses its own topic and groups, so a suite can share one broker.
 *
 * <p>The clock passed to {@link #open} stamps {@link EventRecord#publishedAtMs()} (and so decides what
 * {@link SubscribeFrom#replay} replays); implementations must honour it.
 */
public abstract class EventLogContract {
    /** A string payload as {@code u16 length || UTF-8}. */
    public enum Utf8 implements RecordCodec<String> {
        INSTANCE;

        @Override
        public byte[] encode(String record) {
            return new RecordWriter().str(record).toByteArray();
        }

        @Override
        public String decode(byte[] bytes) {
            return RecordReader.decode("String", bytes, r -> r.str("value"));
        }
    }

    protected final ManualTime clock = new ManualTime(1_700_000_000_000L);
    private final List<EventLog> opened = new ArrayList<>();

    /** A new log over the implementation's storage (for a durable log, the same storage every call). */
    protected abstract EventLog open(ManualTime clock) throws Exception;

    /** True when the log keeps records and committed positions across {@link EventLog#close()} (Kafka, NATS). */
    protected abstract boolean durable();

    /** How long a test waits for a delivery. */
    protected Duration patience() {
        return Duration.ofSeconds(30);
    }

    @AfterEach
    void closeLogs() {
        opened.forEach(EventLog::close);
    }

    protected final EventLog log() throws Exception {
        EventLog log = open(clock);
        opened.add(log);
        return log;
    }

    /** A new topic for one test, {@linkplain #prepare prepared} on the implementation's storage. */
    protected final Topic<String> topic() throws Exception {
        Topic<String> t = Topic.of("contract." + UUID.randomUUID().toString().substring(0, 8), String.class, 1,
                Utf8.INSTANCE);
        prepare(t);
        return t;
    }

    /**
     * Called with every topic a test uses before the test publishes to it or subscribes: an implementation whose
     * topics must exist first (Kafka topics, NATS JetStream streams: created by {@code m0 eventlog init}, never on
     * first use) creates it here. Nothing to do by default.
     */
    protected void prepare(Topic<?> topic) throws Exception {}

    protected final void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience().toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void recordsOfOneKeyArriveInPublishOrderWithTheirHeaders() throws Exception {
        EventLog log = log();
        Topic<String> t = topic();
        Map<String, List<String>> byKey = new ConcurrentHashMap<>();
        List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
        try (Subscription s = log.subscribe(t, "order", SubscribeFrom.EARLIEST, r -> {
            byKey.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>()).add(r.value());
            headers.add(r.headers());
        })) {
            for (int i = 0; i < 200; i++) {
                String key = "m" + (i % 7);
                log.publish(t, key, key + ":" + i, Map.of("traceparent", "00-" + i));
            }
            await("200 records", () -> byKey.values().stream().mapToInt(List::size).sum() == 200);
            for (var e : byKey.entrySet()) {
                List<Integer> seq = e.getValue().stream().map(v -> Integer.parseInt(v.split(":")[1])).toList();
                assertThat(seq).as("key " + e.getKey()).isSorted();
            }
            assertThat(headers).allSatisfy(h -> assertThat(h.get("traceparent")).startsWith("00-"));
        }
    }

    @Test
    void aBatchIsStoredWholeAndInOrderForEachKey() throws Exception {
        EventLog log = log();
        Topic<String> t = topic();
        List<com.m0club.eventlog.Outgoing<String>> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String key = "m" + (i % 5);
            batch.add(new com.m0club.eventlog.Outgoing<>(key, key + ":" + i, Map.of("traceparent", "00-" + i)));
        }
        Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();
        try (Subscription s = log.subscribe(t, "batch", SubscribeFrom.EARLIEST, r -> byKey.computeIfAbsent(
                r.key(), k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(r.value().split(":")[1])))) {
            log.publishAll(t, batch);
            await("the whole batch", () -> byKey.values().stream().mapToInt(List::size).sum() == 300);
            byKey.forEach((k, seq) -> assertThat(seq).as("key " + k).isSorted().hasSize(60));
        }
    }

    @Test
    void eachGroupSeesEveryRecordAndEarliestSeesWhatCameBefore() throws Exception {
        EventLog log = log();
        Topic<String> t = topic();
        for (int i = 0; i < 10; i++) {
            log.publish(t, "k" + i, "v" + i);
        }
        List<String> a = new CopyOnWriteArrayList<>();
        List<String> b = new CopyOnWriteArrayList<>();
        try (Subscription sa = log.subscribe(t, "a", SubscribeFrom.EARLIEST, r -> a.add(r.value()));
                Subscription sb = log.subscribe(t, "b", SubscribeFrom.EARLIEST, r -> b.add(r.value()))) {
            await("both groups", () -> a.size() == 10 && b.size() == 10);
            assertThat(a).containsExactlyInAnyOrderElementsOf(b);
        }
    }

    @Test
    void latestSkipsWhatWasPublishedBeforeTheSubscription() throws Exception {
        EventLog log = log();
        Topic<String> t = topic();
        log.publish(t, "k", "old");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Subscription s = log.subscribe(t, "late", SubscribeFrom.LATEST, r -> seen.add(r.value()))) {
            // A subscription is live once it sees a record published after it; publish until one arrives.
            long deadline = System.nanoTime() + patience().toNanos();
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                log.publish(t, "k", "new");
                Thread.sleep(50);
            }
            assertThat(seen).isNotEmpty().doesNotContain("old");
        }
    }

    @Test
    void aHandlerThatThrowsGetsTheSameRecordAgainBeforeTheNext() throws Exception {
        EventLog log = log();
        Topic<String> t = topic();
        AtomicInteger attempts = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Subscription s = log.subscribe(t, "retry", SubscribeFrom.EARLIEST, r -> {
            if (r.value().equals("first") && attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("transient");
            }
            handled.add(r.value());
        })) {
            log.publish(t, "k", "first");
            log.publish(t, "k", "second");
            await("both handled", () -> handled.size() >= 2);
            assertThat(attempts.get()).isEqualTo(3);
            assertThat(handled.subList(0, 2)).containsExactly("first", "second");
        }
    }

    @Test
    void replayStartsAtTheFirstRecordInsideTheWindow() throws Exception {
        EventLog log = log();
        Topic<String> t = topic();
        log.publish(t, "k", "too-old");
        clock.advance(Duration.ofSeconds(60));
        log.publish(t, "k", "inside-1");
        clock.advance(Duration.ofSeconds(5));
        log.publish(t, "k", "inside-2");
        clock.advance(Duration.ofSeconds(5));
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Subscription s = log.subscribe(t, "replay", SubscribeFrom.replay(Duration.ofSeconds(30)),
                r -> seen.add(r.value()))) {
            await("the window", () -> seen.size() >= 2);
            assertThat(seen).containsExactly("inside-1", "inside-2");
        }
    }

    @Test
    void aRecordWhoseHandlingWasCutShortIsDeliveredAgainAfterARestart() throws Exception {
        if (!durable()) {
            return; // an in-process log keeps nothing across a restart
        }
        Topic<String> t = topic();
        EventLog first = log();
        for (int i = 0; i < 5; i++) {
            first.publish(t, "k", "r" + i);
        }
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicBoolean crashed = new AtomicBoolean();
        Subscription s = first.subscribe(t, "crash", SubscribeFrom.EARLIEST, r -> {
            if (r.value().equals("r3") && crashed.compareAndSet(false, true)) {
                throw new CrashBeforeCommit(); // the process dies here: r3 was not handled
            }
            handled.add(r.value());
        });
        await("crash at r3", crashed::get);
        s.close();
        first.close();
        List<String> again = new CopyOnWriteArrayList<>();
        EventLog second = log();
        try (Subscription s2 = second.subscribe(t, "crash", SubscribeFrom.EARLIEST, r -> again.add(r.value()))) {
            await("r3 and r4 after the restart", () -> again.contains("r4"));
            assertThat(again).contains("r3").doesNotContain("r0");
        }
    }

    @Test
    void lagCountsWhatAGroupHasNotHandledYet() throws Exception {
        EventLog log = log();
        Topic<String> t = topic();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        try (Subscription s = log.subscribe(t, "slow", SubscribeFrom.EARLIEST, r -> {
            release.await();
            handled.incrementAndGet();
        })) {
            for (int i = 0; i < 20; i++) {
                log.publish(t, "k", "v" + i);
            }
            await("lag reported", () -> s.lag() >= 19);
            release.countDown();
            await("caught up", () -> handled.get() == 20 && s.lag() == 0);
        }
    }

    /** Thrown by a test handler to stand for a process that dies while handling a record. */
    public static final class CrashBeforeCommit extends RuntimeException {
        public CrashBeforeCommit() {
            super("simulated crash before commit", null, false, false);
        }
    }

    /** A settable clock for {@link EventRecord#publishedAtMs()}. */
    public static final class ManualTime implements java.time.InstantSource {
        private final java.util.concurrent.atomic.AtomicLong ms;

        public ManualTime(long startMs) {
            this.ms = new java.util.concurrent.atomic.AtomicLong(startMs);
        }

        public void advance(Duration d) {
            ms.addAndGet(d.toMillis());
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(ms.get());
        }

        @Override
        public long millis() {
            return ms.get();
        }
    }
}
