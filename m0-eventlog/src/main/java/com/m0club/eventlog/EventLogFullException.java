package com.m0club.eventlog;

/**
 * A publish did not fit: the partition was full (a consumer group lags by the partition's capacity) for the whole
 * publish timeout. The record was not stored, and the drop was counted in {@code m0_eventlog_dropped_total{topic}}.
 * Callers shed load by tier (FAST last) or retry later; the log never grows past its bound.
 */
public final class EventLogFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int partition;

    public EventLogFullException(String topic, int partition, String message) {
        super(message);
        this.topic = topic;
        this.partition = partition;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }
}
