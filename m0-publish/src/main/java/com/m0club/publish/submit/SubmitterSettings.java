package com.m0club.publish.submit;

import java.time.Duration;

/**
 * How hard the submitter tries before giving a bundle up.
 *
 * @param maxAttempts transport failures tolerated per ledger call (the commit, each reveal) before the bundle is
 *     marked FAILED; also the database write attempts after a ledger call before the bundle is left for the resume
 *     pass
 * @param initialBackoff first wait after a transport failure; doubles per attempt
 * @param maxBackoff cap on that wait
 * @param revealPoll wait between reveal attempts while the ledger says "too early" (one slot is 400 ms)
 * @param revealDeadline how long to keep trying a too-early reveal before treating it as a failure
 * @param resumeInterval how often the submitter role re-reads the non-terminal bundles (SIGNED, COMMITTED) from the
 *     store and resumes them, and how long it waits before retrying a bundle whose submission was interrupted by a
 *     database or ledger outage
 */
public record SubmitterSettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration revealPoll,
        Duration revealDeadline, Duration resumeInterval) {
    /** The default resume interval: a stuck bundle is retried within seconds, well inside its reveal window. */
    public static final Duration DEFAULT_RESUME_INTERVAL = Duration.ofSeconds(5);
    public static final SubmitterSettings DEFAULTS = new SubmitterSettings(8, Duration.ofMillis(200),
            Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(30), DEFAULT_RESUME_INTERVAL);

    public SubmitterSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("submitter.max_attempts: must be >= 1, got " + maxAttempts);
        }
        if (resumeInterval == null || resumeInterval.isNegative() || resumeInterval.isZero()) {
            throw new IllegalArgumentException("submitter.resume_interval: must be > 0, got " + resumeInterval);
        }
    }

    /** Settings with the {@link #DEFAULT_RESUME_INTERVAL}. */
    public SubmitterSettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration revealPoll,
            Duration revealDeadline) {
        this(maxAttempts, initialBackoff, maxBackoff, revealPoll, revealDeadline, DEFAULT_RESUME_INTERVAL);
    }
}
