package com.m0club.adapter.eventlog.kafka;

import com.m0club.eventlog.EventRecord;
import com.m0club.eventlog.RecordFormatException;
import com.m0club.eventlog.RecordHandler;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer group's subscription to one topic on Kafka: a {@link KafkaConsumer} and the one thread that polls it
 * and hands the records to the handler, one at a time, each partition's records in offset order.
 *
 * <ul>
 *   <li><b>Commit after handling.</b> After the records of a partition in a poll were handled, the next offset is
 *       committed ({@code commitSync}); on a revocation the handled offsets of the revoked partitions are committed
 *       first; {@link #close()} commits what was handled. A process that dies before the commit gets the records
 *       again (at-least-once).</li>
 *   <li><b>Retries.</b> A handler that throws is counted in {@code m0_eventlog_handler_errors_total{topic,group}} and
 *       retried with exponential backoff; after the last attempt the record is logged, counted in
 *       {@code m0_eventlog_skipped_total{topic,group}} and skipped. A close during the backoff stops without
 *       committing that record.</li>
 *   <li><b>Malformed records</b> (no key, no or a foreign schema version, bytes the codec refuses) are logged,
 *       counted in {@code m0_eventlog_malformed_total{topic,group}} and skipped: a partition never gets stuck.</li>
 *   <li><b>Replay.</b> For {@link SubscribeFrom#replay}, every newly assigned partition is paused and sought to the
 *       first offset whose timestamp is at or after {@code now - window} (the end when none) before its records are
 *       handled; a lookup that fails is retried, the partition stays paused meanwhile.</li>
 *   <li><b>Errors.</b> A failing poll, commit or lookup is logged, counted in
 *       {@code m0_eventlog_consumer_errors_total{topic,group,operation}}, and retried after a backoff: the thread
 *       only ends when the subscription closes, so a broker that goes away and returns is followed.</li>
 * </ul>
 */
final class KafkaSubscription<T> implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSubscription.class);
    private static final long LAG_CACHE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long ERROR_BACKOFF_MAX_MS = 2_000;

    private enum Outcome {
        HANDLED,
        SKIPPED,
        STOPPED
    }

    private final KafkaEventLog log;
    private final Topic<T> topic;
    private final String group;
    private final SubscribeFrom from;
    private final RecordHandler<T> handler;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Partitions owned now (consumer thread writes, any thread reads). */
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    /** The next offset to handle per owned partition, for lag (consumer thread writes, any thread reads). */
    private final Map<TopicPartition, Long> next = new ConcurrentHashMap<>();
    /** Handled and not yet committed: consumer thread only. */
    private final Map<TopicPartition, Long> uncommitted = new HashMap<>();
    /** Newly assigned partitions still to be sought for replay (paused until then): consumer thread only. */
    private final Set<TopicPartition> toReplay = new HashSet<>();

    private final Object lagLock = new Object();
    private Map<TopicPartition, Long> endOffsets = Map.of();
    private long endOffsetsAt;
    private volatile long lastLag;

    private volatile boolean closing;
    private boolean closeStarted;
    private long errorBackoffMs = 100;

    KafkaSubscription(KafkaEventLog log, Topic<T> topic, String group, SubscribeFrom from, RecordHandler<T> handler) {
        this.log = log;
        this.topic = topic;
        this.group = group;
        this.from = from;
        this.handler = handler;
        this.consumer = new KafkaConsumer<>(log.consumerProperties(topic.name(), group, from),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "m0-eventlog-kafka-" + topic.name() + "-" + group);
        this.thread.setDaemon(true);
    }

    void start() {
        consumer.subscribe(List.of(topic.name()), new Listener());
        thread.start();
    }

    /** Closes a consumer that was never started. */
    void discard() {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
    }

    @Override
    public String topic() {
        return topic.name();
    }

    @Override
    public String group() {
        return group;
    }

    // ------------------------------------------------------------------ consumer thread

    private void run() {
        try {
            while (!closing) {
                ConsumerRecords<byte[], byte[]> batch;
                try {
                    seekForReplay();
                    batch = consumer.poll(log.pollTimeout);
                } catch (WakeupException e) {
                    continue; // close() woke the poll: the loop condition decides
                } catch (InterruptException e) {
                    break;
                } catch (KafkaException | IllegalStateException e) {
                    failed("poll", e);
                    continue;
                }
                errorBackoffMs = 100;
                if (!handle(batch)) {
                    break;
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("event log {} group {}: consumer thread failed; the subscription stops", topic.name(), group, e);
            log.consumerErrors.labelValues(topic.name(), group, "thread").inc();
        } finally {
            shutdown();
        }
    }

    /** Handles a poll's records, partition by partition; false when the subscription stopped meanwhile. */
    private boolean handle(ConsumerRecords<byte[], byte[]> batch) {
        for (TopicPartition tp : batch.partitions()) {
            for (ConsumerRecord<byte[], byte[]> r : batch.records(tp)) {
                if (closing) {
                    commit();
                    return false;
                }
                if (!owned.contains(tp)) {
                    break; // revoked while an earlier partition's records were committed
                }
                if (deliver(r) == Outcome.STOPPED) {
                    commit();
                    return false;
                }
                uncommitted.put(tp, r.offset() + 1);
                next.put(tp, r.offset() + 1);
            }
            commit();
        }
        return true;
    }

    private Outcome deliver(ConsumerRecord<byte[], byte[]> r) {
        EventRecord<T> record;
        try {
            record = decode(r);
        } catch (RecordFormatException e) {
            log.malformed.labelValues(topic.name(), group).inc();
            LOG.warn("event log {} group {}: skipping the malformed record at partition {} offset {}: {}",
                    topic.name(), group, r.partition(), r.offset(), e.getMessage());
            return Outcome.SKIPPED;
        }
        long backoff = log.initialBackoff.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                handler.handle(record);
                return Outcome.HANDLED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.STOPPED;
            } catch (Exception | Error ex) {
                if (ex instanceof VirtualMachineError vme) {
                    throw vme;
                }
                log.handlerErrors.labelValues(topic.name(), group).inc();
                if (attempt >= log.maxAttempts) {
                    log.skipped.labelValues(topic.name(), group).inc();
                    LOG.error("event log {} group {}: handler failed {} times on partition {} offset {} (key {});"
                            + " skipping the record", topic.name(), group, attempt, r.partition(), r.offset(),
                            record.key(), ex);
                    return Outcome.SKIPPED;
                }
                LOG.warn("event log {} group {}: handler failed on partition {} offset {} (key {}), attempt {} of {},"
                        + " retrying in {} ms: {}", topic.name(), group, r.partition(), r.offset(), record.key(),
                        attempt, log.maxAttempts, backoff, ex.toString());
                if (awaitStop(backoff)) {
                    return Outcome.STOPPED;
                }
                backoff = Math.min(backoff * 2, log.maxBackoff.toMillis());
            }
        }
    }

    private EventRecord<T> decode(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            throw new RecordFormatException(topic.name(), "key", "missing (every record is keyed)");
        }
        if (r.value() == null) {
            throw new RecordFormatException(topic.name(), "payload", "missing (a null value / tombstone)");
        }
        Header version = r.headers().lastHeader(KafkaEventLog.SCHEMA_VERSION_HEADER);
        if (version == null || version.value() == null) {
            throw new RecordFormatException(topic.name(), "schema_version", "header "
                    + KafkaEventLog.SCHEMA_VERSION_HEADER + " missing");
        }
        int schemaVersion;
        try {
            schemaVersion = Integer.parseInt(new String(version.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new RecordFormatException(topic.name(), "schema_version", "header "
                    + KafkaEventLog.SCHEMA_VERSION_HEADER + " must be a decimal integer");
        }
        T value = topic.decode(schemaVersion, r.value());
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            if (!h.key().equals(KafkaEventLog.SCHEMA_VERSION_HEADER) && h.value() != null) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        return new EventRecord<>(topic, r.partition(), r.offset(), new String(r.key(), StandardCharsets.UTF_8),
                value, r.timestamp(), headers);
    }

    /** Commits the handled offsets of the partitions still owned; failures are counted and retried next time. */
    private void commit() {
        uncommitted.keySet().retainAll(owned);
        if (uncommitted.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        uncommitted.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                consumer.commitSync(offsets, log.requestTimeout);
                offsets.forEach((tp, o) -> uncommitted.remove(tp, o.offset()));
                return;
            } catch (WakeupException e) {
                // close() woke a commit: the wake-up is spent, commit once more
            } catch (InterruptException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (KafkaException | IllegalStateException e) {
                log.consumerErrors.labelValues(topic.name(), group, "commit").inc();
                LOG.warn("event log {} group {}: commit of {} failed (retried after the next records): {}",
                        topic.name(), group, offsets, KafkaEventLog.describe(e));
                return;
            }
        }
    }

    /** Seeks the partitions assigned for replay; those whose lookup fails stay paused and are retried. */
    private void seekForReplay() {
        if (toReplay.isEmpty() || !(from instanceof SubscribeFrom.Replay replay)) {
            return;
        }
        toReplay.retainAll(owned);
        if (toReplay.isEmpty()) {
            return;
        }
        long fromMs = log.clock().millis() - replay.window().toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        toReplay.forEach(tp -> query.put(tp, fromMs));
        try {
            // The end offsets first: a record appended between the two lookups is then either found by the time
            // lookup (it is inside the window) or after the end offset taken; none falls between them.
            Map<TopicPartition, Long> ends = consumer.endOffsets(query.keySet(), log.requestTimeout);
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, log.requestTimeout);
            for (TopicPartition tp : query.keySet()) {
                OffsetAndTimestamp o = found.get(tp);
                long start = o == null ? ends.get(tp) : o.offset();
                consumer.seek(tp, start);
                next.put(tp, start);
            }
            consumer.resume(query.keySet());
            toReplay.removeAll(query.keySet());
            LOG.info("event log {} group {}: replaying partitions {} from {} ms ago", topic.name(), group,
                    partitionNumbers(query.keySet()), replay.window().toMillis());
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            failed("seek", e);
        }
    }

    private void failed(String operation, Exception e) {
        log.consumerErrors.labelValues(topic.name(), group, operation).inc();
        LOG.warn("event log {} group {}: {} failed, retrying in {} ms: {}", topic.name(), group, operation,
                errorBackoffMs, KafkaEventLog.describe(e));
        awaitStop(errorBackoffMs);
        errorBackoffMs = Math.min(errorBackoffMs * 2, ERROR_BACKOFF_MAX_MS);
    }

    /** Waits up to {@code ms} or until close(); true when closing. */
    private boolean awaitStop(long ms) {
        try {
            return stopping.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void shutdown() {
        // A close() that interrupted a stuck handler must not break the final commit and the consumer's close.
        Thread.interrupted();
        try {
            commit();
        } catch (RuntimeException e) {
            LOG.warn("event log {} group {}: final commit failed: {}", topic.name(), group, KafkaEventLog.describe(e));
        }
        try {
            consumer.close(CloseOptions.timeout(log.closeTimeout));
        } catch (RuntimeException e) {
            log.consumerErrors.labelValues(topic.name(), group, "close").inc();
            LOG.warn("event log {} group {}: consumer close failed: {}", topic.name(), group,
                    KafkaEventLog.describe(e));
        }
        owned.clear();
        next.clear();
        finished.countDown();
        log.closed(this);
    }

    /** Runs on the consumer thread, inside poll(). */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            commit(); // the handled offsets of every owned partition, the revoked ones included
            owned.removeAll(partitions);
            partitions.forEach(next::remove);
            uncommitted.keySet().removeAll(partitions);
            toReplay.removeAll(partitions);
            LOG.info("event log {} group {}: partitions {} revoked", topic.name(), group, partitionNumbers(partitions));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            owned.removeAll(partitions);
            partitions.forEach(next::remove);
            uncommitted.keySet().removeAll(partitions);
            toReplay.removeAll(partitions);
            LOG.warn("event log {} group {}: partitions {} lost (another member may own them now; what was handled"
                    + " and not committed will be delivered again)", topic.name(), group,
                    partitionNumbers(partitions));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            owned.addAll(partitions);
            if (from instanceof SubscribeFrom.Replay) {
                consumer.pause(partitions);
                toReplay.addAll(partitions);
                seekForReplay();
            } else {
                for (TopicPartition tp : partitions) {
                    try {
                        next.put(tp, consumer.position(tp, log.requestTimeout));
                    } catch (KafkaException e) {
                        // the lag of this partition is unknown until its first record is handled
                        log.consumerErrors.labelValues(topic.name(), group, "position").inc();
                    }
                }
            }
            LOG.info("event log {} group {}: partitions {} assigned", topic.name(), group,
                    partitionNumbers(partitions));
        }
    }

    private static List<Integer> partitionNumbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).sorted().toList();
    }

    // ------------------------------------------------------------------ any thread

    /** The partitions assigned to this member now (for tests and diagnostics). */
    Set<Integer> assignment() {
        return Set.copyOf(partitionNumbers(owned));
    }

    /**
     * End offsets minus the next offsets to handle, over the partitions assigned to this member now. The end offsets
     * come from the admin client (cached 250 ms); when they cannot be read the last answer stands.
     */
    @Override
    public long lag() {
        Map<TopicPartition, Long> positions = Map.copyOf(next);
        if (positions.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, Long> ends = ends(positions.keySet());
        if (ends == null) {
            return lastLag;
        }
        long lag = 0;
        for (var e : positions.entrySet()) {
            Long end = ends.get(e.getKey());
            if (end != null) {
                lag += Math.max(0, end - e.getValue());
            }
        }
        lastLag = lag;
        return lag;
    }

    private Map<TopicPartition, Long> ends(Set<TopicPartition> partitions) {
        synchronized (lagLock) {
            long now = System.nanoTime();
            if (now - endOffsetsAt < LAG_CACHE_NANOS && endOffsets.keySet().containsAll(partitions)) {
                return endOffsets;
            }
            Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, OffsetSpec.latest()));
            try {
                var result = log.admin().listOffsets(query, new ListOffsetsOptions()
                                .timeoutMs(Math.toIntExact(log.requestTimeout.toMillis())))
                        .all().get(log.requestTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
                Map<TopicPartition, Long> ends = new HashMap<>();
                result.forEach((tp, info) -> ends.put(tp, info.offset()));
                endOffsets = Map.copyOf(ends);
                endOffsetsAt = System.nanoTime();
                return endOffsets;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
                log.consumerErrors.labelValues(topic.name(), group, "lag").inc();
                return null;
            }
        }
    }

    /** Marks the subscription closing and wakes its thread, without waiting (the log closes all, then waits). */
    void beginClose() {
        closing = true;
        stopping.countDown();
        consumer.wakeup();
    }

    /**
     * Stops delivering: the record being handled finishes (a handler still running after the close timeout is
     * interrupted), what was handled is committed, the consumer leaves the group. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closeStarted) {
                return;
            }
            closeStarted = true;
        }
        beginClose();
        if (Thread.currentThread() == thread || !thread.isAlive() && finished.getCount() == 0) {
            return; // a handler closing its own subscription: the loop ends when it returns
        }
        if (!thread.isAlive()) {
            // never started (the log closed while subscribe() was under way)
            try {
                discard();
            } catch (RuntimeException e) {
                LOG.debug("closing an unstarted consumer failed", e);
            }
            log.closed(this);
            return;
        }
        try {
            if (!thread.join(log.closeTimeout)) {
                LOG.warn("event log {} group {}: handler still running after {} ms, interrupting {}", topic.name(),
                        group, log.closeTimeout.toMillis(), thread.getName());
                thread.interrupt();
                if (!thread.join(log.closeTimeout.plusSeconds(5))) {
                    LOG.error("event log {} group {}: consumer thread {} did not stop", topic.name(), group,
                            thread.getName());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Subscription[kafka " + topic.name() + ", group " + group + "]";
    }
}
