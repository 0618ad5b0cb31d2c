package com.m0club.eventlog;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a consumer starts reading: {@link #EARLIEST}, {@link #LATEST} (both only for a group that has no committed
 * position yet) or {@link #replay(Duration)} (on every partition assignment, whatever the group has committed).
 */
public sealed interface SubscribeFrom {
    /** From the oldest record the log still retains: sees what was published before it subscribed. */
    SubscribeFrom EARLIEST = new Earliest();
    /** From the next record published after it subscribed. */
    SubscribeFrom LATEST = new Latest();

    /**
     * From the first record published at or after {@code now - window}, each time a partition is assigned to this
     * consumer (at start, after a restart and after a rebalance): for a role whose state is a function of a recent
     * window (aggregation windows, priors), so a restart or a rebalance rebuilds the same state. The group's committed
     * position is ignored for the start; handlers see records again and must be idempotent.
     *
     * @throws IllegalArgumentException when {@code window} is negative or zero
     */
    static SubscribeFrom replay(Duration window) {
        return new Replay(window);
    }

    /** See {@link SubscribeFrom#EARLIEST}. */
    record Earliest() implements SubscribeFrom {
        @Override
        public String toString() {
            return "EARLIEST";
        }
    }

    /** See {@link SubscribeFrom#LATEST}. */
    record Latest() implements SubscribeFrom {
        @Override
        public String toString() {
            return "LATEST";
        }
    }

    /** See {@link SubscribeFrom#replay(Duration)}. */
    record Replay(Duration window) implements SubscribeFrom {
        public Replay {
            Objects.requireNonNull(window, "window");
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window: must be > 0, got " + window);
            }
        }
    }
}
