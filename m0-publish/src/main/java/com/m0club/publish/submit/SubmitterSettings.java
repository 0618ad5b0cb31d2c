package com.m0club.publish.submit;

import java.time.Duration;

/**
 * How hard the submitter tries before giving a bundle up.
 *
 * @param maxAttempts transport failures tolerated per ledger call (the commit, each reveal) before the bundle is
 *     marked FAILED
 * @param initialBackoff first wait after a transport failure; doubles per attempt
 * @param maxBackoff cap on that wait
 * @param revealPoll wait between reveal attempts while the ledger says "too early" (one slot is 400 ms)
 * @param revealDeadline how long to keep trying a too-early reveal before treating it as a failure
 */
public record SubmitterSettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration revealPoll,
        Duration revealDeadline) {
    public static final SubmitterSettings DEFAULTS = new SubmitterSettings(8, Duration.ofMillis(200),
            Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(30));

    public SubmitterSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("submitter.max_attempts: must be >= 1, got " + maxAttempts);
        }
    }
}
