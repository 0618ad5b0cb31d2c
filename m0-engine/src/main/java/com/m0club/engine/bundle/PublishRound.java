package com.m0club.engine.bundle;

/**
 * A publish round: the half-open interval {@code [startMs, endMs)} whose model outputs go into one bundle. Rounds
 * are aligned to origin 0 like epochs, so every bundler instance computes the same boundaries from the time alone.
 *
 * <pre>
 *   start = floor(t / roundMs) * roundMs,  end = start + roundMs
 *   key   = "&lt;signerSetId&gt;:&lt;startMs&gt;"      (the idempotency key of the round's sequence allocation)
 * </pre>
 */
public record PublishRound(long startMs, long endMs) {

    public PublishRound {
        if (startMs < 0) {
            throw new IllegalArgumentException("round.start_ms: must be >= 0, got " + startMs);
        }
        if (endMs <= startMs) {
            throw new IllegalArgumentException("round.end_ms: must be greater than start_ms (" + startMs + "), got "
                    + endMs);
        }
    }

    /** The round of length {@code roundMs} containing {@code timeMs}. */
    public static PublishRound roundAt(long timeMs, long roundMs) {
        if (timeMs < 0) {
            throw new IllegalArgumentException("time_ms: must be >= 0, got " + timeMs);
        }
        if (roundMs <= 0) {
            throw new IllegalArgumentException("round_ms: must be > 0, got " + roundMs);
        }
        long start = Math.floorDiv(timeMs, roundMs) * roundMs;
        return new PublishRound(start, Math.addExact(start, roundMs));
    }

    /** The deterministic key a sequence is allocated under: {@code "<signerSetId>:<roundStartMs>"}. */
    public static String roundKey(long signerSetId, long roundStartMs) {
        if (signerSetId < 0 || signerSetId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("signer_set_id: must be a u32, got " + signerSetId);
        }
        if (roundStartMs < 0) {
            throw new IllegalArgumentException("round_start_ms: must be >= 0, got " + roundStartMs);
        }
        return signerSetId + ":" + roundStartMs;
    }

    /** This round's key for {@code signerSetId}. */
    public String key(long signerSetId) {
        return roundKey(signerSetId, startMs);
    }

    public long lengthMs() {
        return endMs - startMs;
    }

    public boolean contains(long timeMs) {
        return timeMs >= startMs && timeMs < endMs;
    }

    /** The round right after this one. */
    public PublishRound next() {
        return new PublishRound(endMs, Math.addExact(endMs, lengthMs()));
    }
}
