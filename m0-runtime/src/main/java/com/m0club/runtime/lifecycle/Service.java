package com.m0club.runtime.lifecycle;

/**
 * Something a process starts and stops: a server, a consumer, a scheduler, a pool. Owned by a {@link Lifecycle},
 * which starts services in order and closes them in reverse.
 *
 * <p>Contract: {@link #start()} either succeeds or throws after releasing what it acquired (the lifecycle does not
 * close a service whose start failed); {@link #close()} releases everything and must not throw for ordinary
 * failures (the lifecycle logs and continues if it does).
 */
public interface Service extends AutoCloseable {

    /** Stable name for logs and errors, e.g. {@code admin-server}. */
    String name();

    /** Acquires resources and begins work. */
    void start() throws Exception;

    /** Stops work and releases resources. */
    @Override
    void close();
}
