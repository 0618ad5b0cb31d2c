package com.m0club.chain;

import java.util.List;
import java.util.function.Consumer;

/**
 * The ledger's event index: every accepted change as a {@link LedgerEvent}, read back in index order or pushed to a
 * listener. What the reconciler and the startup audit follow.
 */
public interface LedgerEvents {

    /**
     * Up to {@code max} events from {@code fromIndexInclusive} on, in index order; empty from
     * {@link #nextEventIndex} on.
     *
     * @throws EventsExpiredException when {@code fromIndexInclusive} is below {@link #oldestEventIndex}
     */
    List<LedgerEvent> events(long fromIndexInclusive, int max);

    /**
     * Index of the oldest event {@link #events} can still return: a reader whose cursor is below it missed events
     * for good (the local ledger keeps a bounded window, and starts a reopened ledger at its snapshot) and has to
     * resynchronise from the ledger's state (commitments, reveals, epochs) instead. 0 when every event is kept.
     */
    default long oldestEventIndex() {
        return 0;
    }

    /** Index the next event will get (the number of events so far). */
    long nextEventIndex();

    /**
     * Pushes every event appended from now on to {@code listener}, in index order, once the change that produced it
     * is durable. To catch up without gaps: subscribe first, then read {@link #events} and skip indices already
     * seen. Closing the returned handle stops delivery.
     */
    Subscription subscribe(Consumer<LedgerEvent> listener);

    /** A live event subscription; {@link #close} stops delivery and never fails. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
