package com.m0club.api.realtime;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connected client: a bounded queue of outgoing messages and at most one drain task writing them to the client's
 * socket.
 *
 * <p>The feed thread only ever enqueues (under a short lock) and never waits for a socket. When a client reads more
 * slowly than values are published, its queue fills up; then the <em>oldest</em> message is dropped (a fresh value
 * supersedes an older one of the same market, so the newest values are the ones worth keeping), the drop is counted,
 * and before its next message the client receives {@code {"type":"lag","dropped":N}} so it knows it missed N
 * messages and may re-read {@code /v1/markets}.
 */
final class ClientChannel {
    private final MessageSink sink;
    private final int capacity;
    private final Executor executor;
    private final Events events;

    private final ArrayDeque<String> queue;
    private long droppedSinceNotice;
    private long droppedTotal;
    private boolean draining;
    private boolean closed;
    private volatile Subscription subscription = Subscription.ALL;

    /** What a channel reports to its owner: metrics, and the one failure that ends it. */
    interface Events {
        /** One message was dropped because the buffer was full. */
        void dropped();

        /** One message was written to the client. */
        void sent();

        /** Writing failed: the connection is gone and the channel is closed. Called at most once. */
        void failed(ClientChannel channel, RuntimeException cause);
    }

    /** @param capacity most messages held for this client; older ones are dropped beyond it */
    ClientChannel(MessageSink sink, int capacity, Executor executor, Events events) {
        if (capacity < 1) {
            throw new IllegalArgumentException("client buffer capacity must be >= 1, got " + capacity);
        }
        this.sink = sink;
        this.capacity = capacity;
        this.executor = executor;
        this.events = events;
        this.queue = new ArrayDeque<>(Math.min(capacity, 64));
    }

    Subscription subscription() {
        return subscription;
    }

    void subscription(Subscription next) {
        subscription = next;
    }

    /** Queues a message; never blocks on the client. Returns false when the channel is closed. */
    boolean offer(String message) {
        boolean startDrain;
        boolean dropped = false;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (queue.size() >= capacity) {
                queue.pollFirst();
                droppedSinceNotice++;
                droppedTotal++;
                dropped = true;
            }
            queue.addLast(message);
            startDrain = !draining;
            draining = true;
        }
        if (dropped) {
            events.dropped();
        }
        if (startDrain) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                fail(e);
            }
        }
        return true;
    }

    /** Messages waiting for this client right now (never more than the capacity). */
    synchronized int buffered() {
        return queue.size();
    }

    synchronized long droppedTotal() {
        return droppedTotal;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Stops accepting messages and closes the connection. */
    void close(int code, String reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
        }
        try {
            sink.close(code, reason);
        } catch (RuntimeException ignored) {
            // the connection is already gone: closing it is all we wanted
        }
    }

    /** Marks the channel closed without writing to the connection (the peer closed it). */
    synchronized void closedByPeer() {
        closed = true;
        queue.clear();
    }

    private void drain() {
        while (true) {
            String next;
            synchronized (this) {
                if (closed) {
                    draining = false;
                    return;
                }
                if (droppedSinceNotice > 0) {
                    next = StreamMessages.lag(droppedSinceNotice);
                    droppedSinceNotice = 0;
                } else {
                    next = queue.pollFirst();
                    if (next == null) {
                        draining = false;
                        return;
                    }
                }
            }
            try {
                sink.send(next);
                events.sent();
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
        }
    }

    private void fail(RuntimeException e) {
        synchronized (this) {
            if (closed) {
                draining = false;
                return;
            }
            closed = true;
            draining = false;
            queue.clear();
        }
        try {
            sink.close(1011, "send failed");
        } catch (RuntimeException ignored) {
            // the connection is already broken
        }
        events.failed(this, e);
    }
}
