package com.m0club.eventlog;

/**
 * The event log port (docs/architecture.md): topics keyed by {@code market_id}, partitioned by key,
 * bounded, with consumer groups. The embedded implementation is {@link InProcessEventLog}; production uses Kafka
 * behind the same interface.
 *
 * <p>Guarantees every implementation gives:
 * <ul>
 *   <li>Records with the same key go to the same partition and each group sees them in publish order, handled by one
 *       thread at a time (single writer per market).</li>
 *   <li>Each (topic, group) has its own consumer and position; groups do not affect each other's delivery.</li>
 *   <li>Delivery is at-least-once: handlers must be idempotent.</li>
 *   <li>Bounded: a publish that cannot be stored in time fails with {@link EventLogFullException}, counted, rather
 *       than growing memory.</li>
 * </ul>
 */
public interface EventLog extends AutoCloseable {
    /**
     * Appends a record under {@code key}. May block up to the log's publish timeout while the key's partition is
     * full.
     *
     * @throws EventLogFullException when the partition stayed full for the whole timeout
     * @throws IllegalArgumentException when the record is not of the topic's type, or the key is empty
     * @throws IllegalStateException after {@link #close()}
     */
    default <T> void publish(Topic<T> topic, String key, T record) {
        publish(topic, key, record, java.util.Map.of());
    }

    /**
     * Appends a record under {@code key} with {@code headers} (metadata such as the W3C {@code traceparent}; names
     * and values are short ASCII strings), delivered as {@link EventRecord#headers()}.
     *
     * @throws EventLogFullException when the partition stayed full for the whole timeout
     * @throws IllegalArgumentException when the record is not of the topic's type, or the key is empty
     * @throws IllegalStateException after {@link #close()}
     */
    <T> void publish(Topic<T> topic, String key, T record, java.util.Map<String, String> headers);

    /**
     * Appends every record of {@code records} (in list order for each key) and returns once all are stored: the
     * batch form of {@link #publish}, which lets a log that leaves the process have many records in flight at once
     * (Kafka). When one fails, the first failure is thrown after every record was tried; the others may be stored, so
     * a caller that retries the whole batch duplicates records, which consumers already tolerate (at-least-once).
     *
     * @throws EventLogFullException when a record could not be stored in time
     * @throws IllegalArgumentException when a record is not of the topic's type, or a key is empty
     * @throws IllegalStateException after {@link #close()}
     */
    default <T> void publishAll(Topic<T> topic, java.util.List<Outgoing<T>> records) {
        RuntimeException first = null;
        for (Outgoing<T> r : records) {
            try {
                publish(topic, r.key(), r.record(), r.headers());
            } catch (EventLogFullException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Starts consumer group {@code group} on {@code topic}, reading from {@code from} (for a group that has no
     * position yet).
     *
     * @throws IllegalStateException when this group is already subscribed to this topic
     */
    <T> Subscription subscribe(Topic<T> topic, String group, SubscribeFrom from, RecordHandler<T> handler);

    /** Subscribes from {@link SubscribeFrom#EARLIEST}, so nothing retained is missed by a role that starts late. */
    default <T> Subscription subscribe(Topic<T> topic, String group, RecordHandler<T> handler) {
        return subscribe(topic, group, SubscribeFrom.EARLIEST, handler);
    }

    /** Whether the log's storage is reachable now (the in-process log always is while open). */
    default EventLogStatus status() {
        return EventLogStatus.up("event log open");
    }

    /** Stops every consumer (in-flight handlers finish) and refuses further publishes. Idempotent. */
    @Override
    void close();
}
