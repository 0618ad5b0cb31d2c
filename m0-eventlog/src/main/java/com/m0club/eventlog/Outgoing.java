package com.m0club.eventlog;

import java.util.Map;
import java.util.Objects;

/**
 * One record to publish with {@link EventLog#publishAll}: its key, the record and its headers.
 *
 * @param key the partition key (market id, signer set id), non-empty
 * @param headers metadata such as the W3C {@code traceparent}; never null
 */
public record Outgoing<T>(String key, T record, Map<String, String> headers) {
    public Outgoing {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(record, "record");
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
    }

    public static <T> Outgoing<T> of(String key, T record) {
        return new Outgoing<>(key, record, Map.of());
    }
}
