package com.m0club.chain.local;

import com.m0club.chain.Ledger;
import com.m0club.chain.LedgerEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes ledger events to subscribers in index order, on the thread that made the change, after the change is
 * durable and after the ledger's state lock is released (so a listener may read the ledger, or even write to it).
 * One delivery runs at a time; a write made from inside a listener is delivered by the delivery already running, once
 * the current event has reached every listener, so every listener sees every event in order.
 */
final class EventDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
    private static final int BATCH = 256;

    /** Where events are read from (the ledger, under its read lock). */
    @FunctionalInterface
    interface Source {
        List<LedgerEvent> events(long fromIndexInclusive, int max);
    }

    private final class Subscription implements Ledger.Subscription {
        final Consumer<LedgerEvent> listener;
        final long fromIndex;

        Subscription(Consumer<LedgerEvent> listener, long fromIndex) {
            this.listener = listener;
            this.fromIndex = fromIndex;
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }

    private final Source source;
    private final Runnable onListenerError;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ReentrantLock delivery = new ReentrantLock();
    private long delivered;

    EventDispatcher(Source source, long firstIndex, Runnable onListenerError) {
        this.source = source;
        this.delivered = firstIndex;
        this.onListenerError = onListenerError;
    }

    /** Delivers events from {@code fromIndex} on (the index the next event gets at the time of subscribing). */
    Ledger.Subscription subscribe(Consumer<LedgerEvent> listener, long fromIndex) {
        Subscription s = new Subscription(listener, fromIndex);
        subscriptions.add(s);
        return s;
    }

    /** Delivers every event not yet delivered. Called after each change, outside the ledger's state lock. */
    void drain() {
        if (delivery.isHeldByCurrentThread()) {
            return; // a listener wrote to the ledger: the delivery loop below picks the new events up next
        }
        delivery.lock();
        try {
            while (true) {
                List<LedgerEvent> batch = source.events(delivered, BATCH);
                if (batch.isEmpty()) {
                    return;
                }
                for (LedgerEvent e : batch) {
                    delivered = e.index() + 1;
                    for (Subscription s : subscriptions) {
                        if (e.index() >= s.fromIndex) {
                            deliver(s, e);
                        }
                    }
                }
            }
        } finally {
            delivery.unlock();
        }
    }

    private void deliver(Subscription s, LedgerEvent e) {
        try {
            s.listener.accept(e);
        } catch (RuntimeException ex) {
            onListenerError.run();
            LOG.warn("ledger event listener {} failed on event {} ({}); it stays subscribed", s.listener, e.index(),
                    e.getClass().getSimpleName(), ex);
        }
    }

    void clear() {
        subscriptions.clear();
    }
}
