package com.m0club.chain.local;

/**
 * A reader asked for ledger events older than the ones the local ledger keeps in memory
 * ({@code ledger_max_events_in_memory}, env {@code M0_LEDGER_MAX_EVENTS_IN_MEMORY}). Everything from
 * {@link #oldestKept()} on is still available; the reader has to resume from there (and reconcile what it missed
 * from the ledger's state, not its events).
 */
public final class EventsExpiredException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final long requested;
    private final long oldestKept;

    EventsExpiredException(long requested, long oldestKept) {
        super("ledger events from index " + requested + " are no longer kept in memory: the oldest kept is "
                + oldestKept + " (ledger_max_events_in_memory, env M0_LEDGER_MAX_EVENTS_IN_MEMORY)");
        this.requested = requested;
        this.oldestKept = oldestKept;
    }

    public long requested() {
        return requested;
    }

    public long oldestKept() {
        return oldestKept;
    }
}
