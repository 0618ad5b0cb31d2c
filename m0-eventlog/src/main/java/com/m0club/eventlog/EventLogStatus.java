package com.m0club.eventlog;

import java.util.Objects;

/**
 * Whether an event log can currently reach its storage, for readiness checks.
 *
 * @param reachable true when publishes and consumers can make progress
 * @param detail what was checked, or why it is not reachable (never a credential)
 */
public record EventLogStatus(boolean reachable, String detail) {
    public EventLogStatus {
        Objects.requireNonNull(detail, "detail");
    }

    public static EventLogStatus up(String detail) {
        return new EventLogStatus(true, detail);
    }

    public static EventLogStatus down(String detail) {
        return new EventLogStatus(false, detail);
    }
}
