package com.m0club.devkit.sim;

/**
 * How a simulated source relates to the truth beyond its noise. Adversarial behaviours exist so that the screening,
 * pooling and guardrails are exercised against the failure modes real feeds have: a feed that freezes, and a feed
 * pushed toward one outcome.
 */
public sealed interface SourceBehaviour {

    /** Observes the (lagged, biased, noisy) truth. */
    record Honest() implements SourceBehaviour {}

    /**
     * Honest until {@code afterMs} after the simulation start, then repeats its last quote forever with fresh event
     * times (a frozen feed that still looks alive).
     */
    record Stuck(long afterMs) implements SourceBehaviour {
        public Stuck {
            if (afterMs < 0) {
                throw new IllegalArgumentException("behaviour.stuck.after_ms: must be >= 0, got " + afterMs);
            }
        }
    }

    /**
     * Adds {@code logitShift} to one outcome's logit before quoting (a manipulated or captured feed). The target is
     * drawn per market from the source's stream.
     */
    record Manipulated(double logitShift) implements SourceBehaviour {
        public Manipulated {
            if (!Double.isFinite(logitShift)) {
                throw new IllegalArgumentException("behaviour.manipulated.logit_shift: must be finite, got "
                        + logitShift);
            }
        }
    }

    default boolean isAdversarial() {
        return !(this instanceof Honest);
    }
}
