package com.m0club.eventlog;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded event log: every topic is split into a fixed number of partitions, each a bounded ring of records,
 * and every (topic, group) has one consumer thread (virtual) per partition.
 *
 * <h2>Retention and back-pressure</h2>
 * A partition keeps its last {@code capacityPerPartition} records, so a group that subscribes later can start from
 * the earliest retained one. A record is overwritten only once every subscribed group has handled it; while the
 * slowest group still needs the oldest record, a publish to a full partition waits up to {@code publishTimeout} and
 * then fails with {@link EventLogFullException}, counted in {@code m0_eventlog_dropped_total{topic}}. Memory is
 * therefore bounded by {@code topics x partitions x capacity} records, whatever the consumers do.
 *
 * <h2>Delivery</h2>
 * A key goes to partition {@code floorMod(key.hashCode(), partitions)} ({@link String#hashCode} is specified, so the
 * mapping is the same on every JVM); one thread per (group, partition) hands records to the handler in offset
 * order: per-key order and a single writer per market. A handler that throws is counted in
 * {@code m0_eventlog_handler_errors_total{topic,group}} and retried with exponential backoff; after
 * {@code maxAttempts} the record is logged, counted in {@code m0_eventlog_skipped_total{topic,group}} and skipped
 * (at-least-once, never stuck). {@code m0_eventlog_lag{topic,group}} is the number of records published and not yet
 * handled by the group.
 *
 * <p>Metrics are registered in the registry given to the constructor: one event log per registry.
 */
public final class InProcessEventLog implements EventLog {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessEventLog.class);

    private final int partitions;
    private final int capacity;
    private final Duration publishTimeout;
    private final InstantSource clock;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration closeTimeout;
    private final boolean codecRoundTrip;

    private final Map<String, TopicLog> topics = new ConcurrentHashMap<>();
    private final Counter published;
    private final Counter dropped;
    private final Counter handlerErrors;
    private final Counter skipped;
    private volatile boolean closed;

    /**
     * An event log with the default retry policy (5 attempts, backoff 50 ms doubling up to 2 s).
     *
     * @param partitions partitions per topic, 1..1024
     * @param capacityPerPartition records retained per partition, 1..1_000_000
     * @param publishTimeout how long a publish may wait for room in a full partition (0 = fail at once)
     * @param registry where the event log metrics are registered
     * @param clock stamps {@link EventRecord#publishedAtMs()}
     */
    public InProcessEventLog(int partitions, int capacityPerPartition, Duration publishTimeout,
            PrometheusRegistry registry, InstantSource clock) {
        this(builder().partitions(partitions).capacityPerPartition(capacityPerPartition)
                .publishTimeout(publishTimeout), registry, clock);
    }

    private InProcessEventLog(Builder b, PrometheusRegistry registry, InstantSource clock) {
        Objects.requireNonNull(registry, "registry");
        this.partitions = b.partitions;
        this.capacity = b.capacity;
        this.publishTimeout = b.publishTimeout;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAttempts = b.retry.maxAttempts();
        this.initialBackoff = b.retry.initialBackoff();
        this.maxBackoff = b.retry.maxBackoff();
        this.closeTimeout = b.closeTimeout;
        this.codecRoundTrip = b.codecRoundTrip;
        this.published = Counter.builder().name("m0_eventlog_published_total")
                .help("Records stored in the event log, by topic").labelNames("topic").register(registry);
        this.dropped = Counter.builder().name("m0_eventlog_dropped_total")
                .help("Publishes refused because the partition stayed full for the publish timeout, by topic")
                .labelNames("topic").register(registry);
        this.handlerErrors = Counter.builder().name("m0_eventlog_handler_errors_total")
                .help("Record handler failures (each attempt), by topic and consumer group")
                .labelNames("topic", "group").register(registry);
        this.skipped = Counter.builder().name("m0_eventlog_skipped_total")
                .help("Records skipped after the handler failed every attempt, by topic and consumer group")
                .labelNames("topic", "group").register(registry);
        GaugeWithCallback.builder().name("m0_eventlog_lag")
                .help("Records published and not yet handled, by topic and consumer group")
                .labelNames("topic", "group")
                .callback(cb -> {
                    for (TopicLog t : topics.values()) {
                        for (GroupConsumer g : t.groups.values()) {
                            cb.call(g.lag(), t.topic.name(), g.group);
                        }
                    }
                })
                .register(registry);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The partition a key maps to. */
    public int partitionFor(String key) {
        return Math.floorMod(key.hashCode(), partitions);
    }

    public int partitions() {
        return partitions;
    }

    @Override
    public <T> void publish(Topic<T> topic, String key, T record, Map<String, String> headers) {
        Objects.requireNonNull(topic, "topic");
        Map<String, String> meta = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key: is required (topics are keyed by market_id or round)");
        }
        if (!topic.type().isInstance(record)) {
            throw new IllegalArgumentException("record for " + topic + " must be a " + topic.type().getName()
                    + ", got " + (record == null ? "null" : record.getClass().getName()));
        }
        requireOpen();
        TopicLog log = topicLog(topic);
        T value = codecRoundTrip ? roundTrip(topic, record) : record;
        int p = partitionFor(key);
        boolean stored;
        try {
            stored = log.partitions[p].append(new Entry(key, value, clock.millis(), meta), publishTimeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic.name(), e);
        }
        if (!stored) {
            requireOpen();
            dropped.labelValues(topic.name()).inc();
            throw new EventLogFullException(topic.name(), p, "event log partition " + topic.name() + "/" + p
                    + " is full (" + capacity + " records not yet handled by every group) and stayed full for "
                    + publishTimeout.toMillis() + " ms: record for key " + key + " dropped");
        }
        published.labelValues(topic.name()).inc();
    }

    @Override
    public <T> Subscription subscribe(Topic<T> topic, String group, SubscribeFrom from, RecordHandler<T> handler) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(handler, "handler");
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("group: is required (the consumer group name, e.g. the role)");
        }
        requireOpen();
        TopicLog log = topicLog(topic);
        // publish() checked every record against the topic's type, and topicLog() that this is the topic's only
        // definition: the consumer may hand records to the typed handler unchanged.
        @SuppressWarnings("unchecked")
        RecordHandler<Object> erased = (RecordHandler<Object>) (RecordHandler<?>) handler;
        GroupConsumer consumer = new GroupConsumer(log, group, from, erased);
        if (log.groups.putIfAbsent(group, consumer) != null) {
            throw new IllegalStateException("group " + group + " is already subscribed to " + topic.name());
        }
        consumer.start();
        return consumer;
    }

    /**
     * What a log that leaves the process would deliver: the record encoded with the topic's codec and decoded again,
     * after checking that the copy encodes to the same bytes (a lossless, deterministic codec).
     *
     * @throws IllegalArgumentException naming the topic when the codec cannot carry the record
     */
    private static <T> T roundTrip(Topic<T> topic, T record) {
        byte[] bytes = topic.encode(record);
        T copy = topic.decode(topic.version(), bytes);
        if (!Arrays.equals(bytes, topic.encode(copy))) {
            throw new IllegalArgumentException("record for " + topic + " does not survive its codec: the decoded copy"
                    + " encodes to other bytes (the codec is lossy or not deterministic)");
        }
        return copy;
    }

    /** The number of records retained for the topic (all partitions), for diagnostics and tests. */
    public long retained(String topic) {
        TopicLog log = topics.get(topic);
        if (log == null) {
            return 0;
        }
        long n = 0;
        for (Partition p : log.partitions) {
            n += p.retained();
        }
        return n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (TopicLog log : topics.values()) {
            for (GroupConsumer g : List.copyOf(log.groups.values())) {
                g.close();
            }
            for (Partition p : log.partitions) {
                p.wakeAll();
            }
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the event log is closed");
        }
    }

    private TopicLog topicLog(Topic<?> topic) {
        TopicLog log = topics.computeIfAbsent(topic.name(), n -> new TopicLog(topic));
        if (!log.topic.equals(topic)) {
            throw new IllegalArgumentException("topic " + topic.name() + " is already in use as " + log.topic
                    + "; cannot also use it as " + topic);
        }
        return log;
    }

    private record Entry(String key, Object value, long publishedAtMs, Map<String, String> headers) {}

    /** The partitions and groups of one topic. */
    private final class TopicLog {
        final Topic<?> topic;
        final Partition[] partitions;
        final Map<String, GroupConsumer> groups = new ConcurrentHashMap<>();

        TopicLog(Topic<?> topic) {
            this.topic = topic;
            this.partitions = new Partition[InProcessEventLog.this.partitions];
            for (int i = 0; i < partitions.length; i++) {
                partitions[i] = new Partition();
            }
        }
    }

    /** A group's position in one partition: the next offset it will handle. Guarded by the partition's lock. */
    private static final class Cursor {
        long position;
        boolean stopped;
    }

    /**
     * One partition: a ring holding offsets {@code [head, tail)}. Publishers and the group consumers of this
     * partition share one lock; {@code appended} wakes consumers, {@code freed} wakes waiting publishers.
     */
    private final class Partition {
        final Entry[] ring = new Entry[capacity];
        final ReentrantLock lock = new ReentrantLock();
        final Condition appended = lock.newCondition();
        final Condition freed = lock.newCondition();
        final List<Cursor> cursors = new ArrayList<>();
        long head;
        long tail;

        /** Stores the entry, waiting up to {@code timeoutNanos} for room; false when there was none. */
        boolean append(Entry entry, long timeoutNanos) throws InterruptedException {
            long nanos = timeoutNanos;
            lock.lock();
            try {
                while (tail - head == capacity) {
                    if (slowestPosition() > head) {
                        // Every group has handled the oldest record: it is only retained for late subscribers.
                        ring[(int) (head % capacity)] = null;
                        head++;
                        continue;
                    }
                    if (closed || nanos <= 0) {
                        return false;
                    }
                    nanos = freed.awaitNanos(nanos);
                }
                ring[(int) (tail % capacity)] = entry;
                tail++;
                appended.signalAll();
                return true;
            } finally {
                lock.unlock();
            }
        }

        private long slowestPosition() {
            long min = tail;
            for (Cursor c : cursors) {
                min = Math.min(min, c.position);
            }
            return min;
        }

        Cursor attach(SubscribeFrom from) {
            lock.lock();
            try {
                Cursor c = new Cursor();
                c.position = switch (from) {
                    case SubscribeFrom.Earliest e -> head;
                    case SubscribeFrom.Latest l -> tail;
                    case SubscribeFrom.Replay r -> firstAtOrAfter(clock.millis() - r.window().toMillis());
                };
                cursors.add(c);
                return c;
            } finally {
                lock.unlock();
            }
        }

        /** The position of the first retained record published at or after {@code fromMs} (tail when none). */
        private long firstAtOrAfter(long fromMs) {
            for (long i = head; i < tail; i++) {
                if (ring[(int) (i % capacity)].publishedAtMs() >= fromMs) {
                    return i;
                }
            }
            return tail;
        }

        void detach(Cursor c) {
            lock.lock();
            try {
                c.stopped = true;
                cursors.remove(c);
                appended.signalAll();
                freed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void stop(Cursor c) {
            lock.lock();
            try {
                c.stopped = true;
                appended.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** The offset and entry the cursor is at, waiting for one; null once the cursor is stopped. */
        Delivery next(Cursor c) throws InterruptedException {
            lock.lock();
            try {
                while (!c.stopped && c.position >= tail) {
                    appended.await();
                }
                if (c.stopped) {
                    return null;
                }
                long offset = c.position;
                return new Delivery(offset, ring[(int) (offset % capacity)]);
            } finally {
                lock.unlock();
            }
        }

        /** Waits up to {@code millis} or until the cursor is stopped; true when it was stopped. */
        boolean awaitStop(Cursor c, long millis) throws InterruptedException {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            lock.lock();
            try {
                while (!c.stopped && nanos > 0) {
                    nanos = appended.awaitNanos(nanos);
                }
                return c.stopped;
            } finally {
                lock.unlock();
            }
        }

        void advance(Cursor c, long handledOffset) {
            lock.lock();
            try {
                c.position = handledOffset + 1;
                freed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        long lag(Cursor c) {
            lock.lock();
            try {
                return tail - c.position;
            } finally {
                lock.unlock();
            }
        }

        long retained() {
            lock.lock();
            try {
                return tail - head;
            } finally {
                lock.unlock();
            }
        }

        void wakeAll() {
            lock.lock();
            try {
                appended.signalAll();
                freed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private record Delivery(long offset, Entry entry) {}

    /** One group's consumers on one topic: a virtual thread and a cursor per partition. */
    private final class GroupConsumer implements Subscription {
        final TopicLog log;
        final String group;
        final RecordHandler<Object> handler;
        final Cursor[] cursors;
        final Thread[] threads;
        private boolean closing;

        GroupConsumer(TopicLog log, String group, SubscribeFrom from, RecordHandler<Object> handler) {
            this.log = log;
            this.group = group;
            this.handler = handler;
            this.cursors = new Cursor[log.partitions.length];
            this.threads = new Thread[log.partitions.length];
            for (int i = 0; i < cursors.length; i++) {
                cursors[i] = log.partitions[i].attach(from);
            }
        }

        void start() {
            for (int i = 0; i < threads.length; i++) {
                int p = i;
                threads[i] = Thread.ofVirtual().name("m0-eventlog-" + log.topic.name() + "-" + group + "-p" + p)
                        .start(() -> run(p));
            }
        }

        private void run(int p) {
            Partition partition = log.partitions[p];
            Cursor cursor = cursors[p];
            try {
                while (true) {
                    Delivery d = partition.next(cursor);
                    if (d == null) {
                        return;
                    }
                    deliver(p, d);
                    partition.advance(cursor, d.offset());
                }
            } catch (InterruptedException e) {
                // Stopped by close() after the close timeout.
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void deliver(int p, Delivery d) throws InterruptedException {
            Entry e = d.entry();
            EventRecord<Object> record = new EventRecord<>((Topic) log.topic, p, d.offset(), e.key(), e.value(),
                    e.publishedAtMs(), e.headers());
            long backoff = initialBackoff.toMillis();
            for (int attempt = 1; ; attempt++) {
                try {
                    handler.handle(record);
                    return;
                } catch (InterruptedException ie) {
                    throw ie;
                } catch (Exception | Error ex) {
                    if (ex instanceof VirtualMachineError vme) {
                        throw vme;
                    }
                    handlerErrors.labelValues(log.topic.name(), group).inc();
                    if (attempt >= maxAttempts) {
                        skipped.labelValues(log.topic.name(), group).inc();
                        LOG.error("event log {} group {}: handler failed {} times on partition {} offset {} (key {});"
                                + " skipping the record", log.topic.name(), group, attempt, p, d.offset(), e.key(),
                                ex);
                        return;
                    }
                    LOG.warn("event log {} group {}: handler failed on partition {} offset {} (key {}), attempt {}"
                            + " of {}, retrying in {} ms: {}", log.topic.name(), group, p, d.offset(), e.key(),
                            attempt, maxAttempts, backoff, ex.toString());
                    if (log.partitions[p].awaitStop(cursors[p], backoff)) {
                        return;
                    }
                    backoff = Math.min(backoff * 2, maxBackoff.toMillis());
                }
            }
        }

        @Override
        public String topic() {
            return log.topic.name();
        }

        @Override
        public String group() {
            return group;
        }

        @Override
        public long lag() {
            long lag = 0;
            for (int i = 0; i < cursors.length; i++) {
                lag += log.partitions[i].lag(cursors[i]);
            }
            return lag;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closing) {
                    return;
                }
                closing = true;
            }
            for (int i = 0; i < cursors.length; i++) {
                log.partitions[i].stop(cursors[i]);
            }
            long deadline = System.nanoTime() + closeTimeout.toNanos();
            for (Thread t : threads) {
                if (t == null || t == Thread.currentThread()) {
                    continue;
                }
                try {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                        LOG.warn("event log {} group {}: handler still running after {} ms, interrupting {}",
                                log.topic.name(), group, closeTimeout.toMillis(), t.getName());
                        t.interrupt();
                        t.join(Duration.ofSeconds(1));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (int i = 0; i < cursors.length; i++) {
                log.partitions[i].detach(cursors[i]);
            }
            log.groups.remove(group, this);
        }

        @Override
        public String toString() {
            return "Subscription[" + log.topic.name() + ", group " + group + "]";
        }
    }

    /** Options of an in-process event log. */
    public static final class Builder {
        private int partitions = 16;
        private int capacity = 10_000;
        private Duration publishTimeout = Duration.ofSeconds(1);
        private HandlerRetry retry = HandlerRetry.DEFAULTS;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private boolean codecRoundTrip;

        private Builder() {}

        /** Partitions per topic (default 16): the parallelism of each consumer group. */
        public Builder partitions(int partitions) {
            if (partitions < 1 || partitions > 1024) {
                throw new IllegalArgumentException("partitions: must be 1..1024, got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** Records retained per partition (default 10_000). */
        public Builder capacityPerPartition(int capacity) {
            if (capacity < 1 || capacity > 1_000_000) {
                throw new IllegalArgumentException("capacityPerPartition: must be 1..1000000, got " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /** How long a publish may wait for room (default 1 s; 0 fails at once when full). */
        public Builder publishTimeout(Duration publishTimeout) {
            if (publishTimeout.isNegative()) {
                throw new IllegalArgumentException("publishTimeout: must be >= 0, got " + publishTimeout);
            }
            this.publishTimeout = publishTimeout;
            return this;
        }

        /** Handler attempts per record before it is skipped (default 5). */
        public Builder maxAttempts(int maxAttempts) {
            retry = retry.withMaxAttempts(maxAttempts);
            return this;
        }

        /** Backoff after the first failure, doubled after each next one up to {@code max} (default 50 ms, 2 s). */
        public Builder backoff(Duration initial, Duration max) {
            retry = retry.withBackoff(initial, max);
            return this;
        }

        /** How long close() waits for in-flight handlers before interrupting them (default 5 s). */
        public Builder closeTimeout(Duration closeTimeout) {
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout: must be >= 0, got " + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * When on (default off), every published record is encoded with its topic's codec and the decoded copy is
         * what consumers get, as from a log that leaves the process: the dev node and the tests turn it on, so every
         * record that flows proves its codec is complete. A record the codec cannot carry fails the publish.
         */
        public Builder codecRoundTrip(boolean on) {
            this.codecRoundTrip = on;
            return this;
        }

        public InProcessEventLog build(PrometheusRegistry registry, InstantSource clock) {
            return new InProcessEventLog(this, registry, clock);
        }
    }
}
