package com.m0club.publish.bundle;

import com.m0club.protocol.bundle.Bundle;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Round assembly for the bundler: the publish-round grid and the sealing of a round's outputs into one bundle. The
 * app adapts the engine's bundle stage (its rounds and its assembler) to it, so the publishing plane never sees the
 * engine's types: {@code T} is whatever the bundle stage seals (the engine's model output).
 *
 * @param <T> one market's output for the round
 */
public interface RoundAssembler<T> {

    /**
     * The round of length {@code roundLength} containing {@code timeMs}, with the key its sequence is allocated under
     * for {@code signerSetId} (the same key from every bundler instance and after a restart).
     */
    Round roundAt(long timeMs, Duration roundLength, long signerSetId);

    /**
     * Seals {@code outputs} (one per market, in market order) into the round's bundle at {@code sequence}; empty when
     * none of them may be published.
     */
    Optional<Bundle> assemble(List<T> outputs, long signerSetId, long sequence, Round round, long producedAtMs);

    /**
     * A publish round: {@code [startMs, endMs)} and its sequence-allocation key.
     *
     * @param key non-empty, deterministic for (signer set, round)
     */
    record Round(long startMs, long endMs, String key) {
        public Round {
            if (startMs < 0 || endMs <= startMs) {
                throw new IllegalArgumentException("round: must have 0 <= start_ms < end_ms, got [" + startMs + ", "
                        + endMs + ")");
            }
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("round.key: is required");
            }
        }
    }
}
