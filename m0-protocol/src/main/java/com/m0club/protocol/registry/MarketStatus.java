package com.m0club.protocol.registry;

/**
 * Market lifecycle. Only ACTIVE markets accept items; ACTIVE and PAUSED switch both ways (operator pause/resume);
 * the others move forward only.
 */
public enum MarketStatus {
    DRAFT,
    ACTIVE,
    PAUSED,
    DEPRECATED,
    ARCHIVED;

    /** True when the registry may move a market from this status to {@code next}. */
    public boolean canMoveTo(MarketStatus next) {
        return switch (this) {
            case DRAFT -> next == ACTIVE || next == ARCHIVED;
            case ACTIVE -> next == PAUSED || next == DEPRECATED;
            case PAUSED -> next == ACTIVE || next == DEPRECATED;
            case DEPRECATED -> next == ARCHIVED;
            case ARCHIVED -> false;
        };
    }
}
