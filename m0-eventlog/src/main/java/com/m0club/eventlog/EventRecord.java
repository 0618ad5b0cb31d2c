package com.m0club.eventlog;

import java.util.Map;
import java.util.Objects;

/**
 * One delivered record with its position in the log.
 *
 * @param partition the partition the key hashes to
 * @param offset the record's position within its partition, increasing in publish order (0, 1, 2, ... in the
 *     in-process log and Kafka; the stream sequence on NATS JetStream, with gaps where other partitions' records are)
 * @param publishedAtMs when the log accepted the record, from the log's clock
 * @param headers the metadata the publisher attached (for example the W3C {@code traceparent}); never null
 */
public record EventRecord<T>(Topic<T> topic, int partition, long offset, String key, T value, long publishedAtMs,
        Map<String, String> headers) {
    public EventRecord {
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
    }

    /** A record without headers. */
    public EventRecord(Topic<T> topic, int partition, long offset, String key, T value, long publishedAtMs) {
        this(topic, partition, offset, key, value, publishedAtMs, Map.of());
    }
}
