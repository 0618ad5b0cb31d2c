package com.m0club.engine.aggregate;

import java.util.Locale;

/** What the aggregator did with one event. The lowercase name is the {@code result} label of its counter. */
public enum AcceptOutcome {
    /** The event is now its source's latest evidence. */
    UPDATED,
    /** The same event id is already the source's latest (an at-least-once redelivery). */
    DUPLICATE,
    /** The source already has newer evidence; the event is dropped and LATE_DATA_DROPPED is raised. */
    LATE,
    /** The market is not in the registry. */
    UNKNOWN_MARKET;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
