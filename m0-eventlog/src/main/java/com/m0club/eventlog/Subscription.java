package com.m0club.eventlog;

/** One consumer group's subscription to one topic. Closing it stops its consumers and releases its position. */
public interface Subscription extends AutoCloseable {
    String topic();

    String group();

    /** Records published but not yet handled by this group, over all partitions. */
    long lag();

    /** Stops delivering: the record being handled finishes, no new one starts. Idempotent. */
    @Override
    void close();
}
