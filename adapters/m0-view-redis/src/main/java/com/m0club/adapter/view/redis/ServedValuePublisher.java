package com.m0club.adapter.view.redis;

import com.m0club.view.ServedValue;
import com.m0club.view.Withdrawal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's side of the fan-out: every served value the reconciler announces is written to the cache and
 * published on the channel by one script ({@link Scripts#PUT}), so each value is published once however often it is
 * offered (a restarted reconciler re-announcing, a retry after a timeout whose script did run); every withdrawal turns
 * the cache entry into a tombstone and is published ({@link Scripts#WITHDRAW}).
 *
 * <p>{@link #publish} and {@link #withdraw} never block the reconciler: they append to a bounded FIFO queue that one
 * virtual thread drains in order. While Redis is unreachable the head is retried every {@code retryDelay} (nothing is
 * skipped, the order stays); when the queue is full the oldest entry is dropped and counted in
 * {@code m0_redis_publish_dropped_total}. A dropped entry, or the queue of a process that stops during an outage, is
 * not lost for the readers: every replica reads the latest values from PostgreSQL after it reconnects and repairs the
 * cache ({@link RedisReplica}).
 */
public final class ServedValuePublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServedValuePublisher.class);
    static final int DEFAULT_CAPACITY = 10_000;

    private final RedisView view;
    private final int capacity;
    private final Duration retryDelay;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final Thread drainer;
    private boolean closed;

    ServedValuePublisher(RedisView view, int capacity, Duration retryDelay) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: must be >= 1, got " + capacity);
        }
        this.view = view;
        this.capacity = capacity;
        this.retryDelay = RedisView.Builder.positive(retryDelay, "retryDelay");
        this.drainer = Thread.ofVirtual().name("redis-publisher").start(this::drain);
    }

    /** Queues {@code value} to be cached and published (never blocks). */
    public void publish(ServedValue value) {
        offer(Objects.requireNonNull(value, "value"));
    }

    /** Queues {@code withdrawal} to be applied to the cache and published (never blocks). */
    public void withdraw(Withdrawal withdrawal) {
        offer(Objects.requireNonNull(withdrawal, "withdrawal"));
    }

    /** Entries waiting to be written. */
    public synchronized int pending() {
        return queue.size();
    }

    private synchronized void offer(Object entry) {
        if (closed) {
            return;
        }
        if (queue.size() >= capacity) {
            queue.pollFirst();
            view.metrics.publishDropped.inc();
            LOG.warn("redis publish queue full ({} entries): dropped the oldest (the replicas catch up from"
                    + " PostgreSQL)", capacity);
        }
        queue.addLast(entry);
        view.metrics.publishQueue.set(queue.size());
        notifyAll();
    }

    private synchronized Object head() throws InterruptedException {
        while (queue.isEmpty() && !closed) {
            wait();
        }
        return closed ? null : queue.peekFirst();
    }

    private synchronized void done(Object entry) {
        if (queue.peekFirst() == entry) {
            queue.pollFirst();
        }
        view.metrics.publishQueue.set(queue.size());
    }

    /** Failures of one entry while Redis answers (a deterministic script error) before it is dropped. */
    static final int MAX_ATTEMPTS_WHILE_UP = 10;

    private void drain() {
        boolean failing = false;
        int attempts = 0;
        try {
            while (true) {
                Object entry = head();
                if (entry == null) {
                    return;
                }
                try {
                    write(entry);
                    if (failing) {
                        LOG.info("redis publisher: writing again after an outage ({} queued)", pending());
                        failing = false;
                    }
                    done(entry);
                    attempts = 0;
                } catch (RuntimeException e) {
                    view.metrics.errors.labelValues(entry instanceof Withdrawal ? "withdraw" : "publish").inc();
                    if (view.commandsUp() && ++attempts >= MAX_ATTEMPTS_WHILE_UP) {
                        LOG.error("redis publisher: dropping {} after {} failures while Redis answers: {}",
                                entry.getClass().getSimpleName(), attempts, Link.describe(e));
                        view.metrics.publishDropped.inc();
                        done(entry);
                        attempts = 0;
                        continue;
                    }
                    if (!failing) {
                        LOG.warn("redis publisher: {} failed ({}); retrying every {} ms", view.target(),
                                Link.describe(e), retryDelay.toMillis());
                        failing = true;
                    }
                    synchronized (this) {
                        if (!closed) {
                            wait(retryDelay.toMillis());
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(Object entry) {
        switch (entry) {
            case ServedValue v -> {
                if ((view.put(v, true) & 2) != 0) {
                    view.metrics.published.inc();
                }
            }
            case Withdrawal w -> view.withdraw(w);
            default -> throw new IllegalStateException("unexpected queue entry " + entry.getClass().getName());
        }
    }

    /** Stops the drainer; entries still queued are dropped (the replicas' catch-up covers them). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            drainer.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
