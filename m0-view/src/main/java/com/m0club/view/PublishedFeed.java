package com.m0club.view;

import java.util.function.Consumer;

/**
 * Push side of the read model: every value newly revealed or finalized on the ledger, in ledger order. Listeners
 * run on the feed's thread and must not block; slow consumers buffer on their own side (the realtime role does).
 */
public interface PublishedFeed {
    /** Subscribes; closing the returned handle unsubscribes. */
    AutoCloseable subscribe(Consumer<ServedValue> listener);

    /**
     * Subscribes to withdrawals: values served earlier that must no longer be served (the ledger does not back
     * their bundle). A feed that never withdraws (the default) delivers nothing.
     */
    default AutoCloseable subscribeWithdrawals(Consumer<Withdrawal> listener) {
        return () -> { };
    }
}
