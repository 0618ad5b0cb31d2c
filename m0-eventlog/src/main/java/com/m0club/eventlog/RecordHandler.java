package com.m0club.eventlog;

/**
 * Handles the records of one (topic, group, partition), one at a time, in offset order. Delivery is at-least-once:
 * a handler that throws gets the same record again (with backoff, a bounded number of times), so handlers must be
 * idempotent (docs/architecture.md).
 */
@FunctionalInterface
public interface RecordHandler<T> {
    void handle(EventRecord<T> record) throws Exception;
}
