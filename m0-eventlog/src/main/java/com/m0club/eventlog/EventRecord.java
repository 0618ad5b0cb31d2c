package com.m0club.eventlog;

/**
 * One delivered record with its position in the log.
 *
 * @param partition the partition the key hashes to
 * @param offset the record's offset within its partition (0, 1, 2, ... per partition)
 * @param publishedAtMs when the log accepted the record, from the log's clock
 */
public record EventRecord<T>(Topic<T> topic, int partition, long offset, String key, T value, long publishedAtMs) {}
