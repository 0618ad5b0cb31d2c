package com.m0club.eventlog;

/** Where a new consumer group starts reading. */
public enum SubscribeFrom {
    /** From the oldest record the log still retains: sees what was published before it subscribed. */
    EARLIEST,
    /** From the next record published after it subscribed. */
    LATEST
}
