package com.m0club.chain;

/**
 * A reader asked {@link LedgerEvents#events} for events older than the ones the ledger still keeps
 * ({@link LedgerEvents#oldestEventIndex}): on the local ledger, older than its in-memory window
 * ({@code ledger_max_events_in_memory}, env {@code M0_LEDGER_MAX_EVENTS_IN_MEMORY}) or than the snapshot it was
 * reopened from. Everything from {@link #oldestKept()} on is still available; the reader has to resume from there (and
 * reconcile what it missed from the ledger's state, not its events). Every implementation of the port throws this
 * one type, so a reader handles it the same way whichever ledger it follows.
 */
public final class EventsExpiredException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final long requested;
    private final long oldestKept;

    /** Events from {@code requested} on were asked for; the oldest kept is {@code oldestKept}. */
    public EventsExpiredException(long requested, long oldestKept) {
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
