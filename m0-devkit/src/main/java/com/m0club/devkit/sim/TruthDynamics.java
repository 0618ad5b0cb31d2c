package com.m0club.devkit.sim;

/**
 * How a simulated market's hidden true probabilities move (docs/quant.md, "Simulator"). The truth is a softmax of a
 * logit vector that follows a random walk on a fixed time grid, pulled gently back toward its starting point so it
 * does not wander off to certainty over a long run, with occasional jumps for news.
 *
 * <pre>
 *   x[k+1] = x[k] - kappa * dt * (x[k] - x[0]) + sigma * sqrt(dt) * N(0, I) + J[k]
 *   J[k]   = jumpSd * N(0, I) with probability jumpsPerHour * dt, else 0        (dt in hours)
 *   truth  = softmax(x)
 * </pre>
 *
 * @param stepMs the grid step; the truth is constant within a step
 * @param volatilityPerSqrtHour sigma, logit units per sqrt(hour)
 * @param jumpsPerHour expected jumps per hour
 * @param jumpSd standard deviation of a jump, logit units, per outcome
 * @param meanReversionPerHour kappa, per hour
 * @param initialLogitSd standard deviation of the starting logits around 0
 */
public record TruthDynamics(long stepMs, double volatilityPerSqrtHour, double jumpsPerHour, double jumpSd,
        double meanReversionPerHour, double initialLogitSd) {

    /** One-second steps; about one logit of drift per hour, two jumps an hour. */
    public static final TruthDynamics DEFAULTS = new TruthDynamics(1_000, 1.0, 2.0, 0.8, 0.5, 1.0);

    public TruthDynamics {
        if (stepMs <= 0) {
            throw new IllegalArgumentException("truth.step_ms: must be > 0, got " + stepMs);
        }
        nonNegative("truth.volatility_per_sqrt_hour", volatilityPerSqrtHour);
        nonNegative("truth.jumps_per_hour", jumpsPerHour);
        nonNegative("truth.jump_sd", jumpSd);
        nonNegative("truth.mean_reversion_per_hour", meanReversionPerHour);
        nonNegative("truth.initial_logit_sd", initialLogitSd);
        double dt = stepMs / 3_600_000.0;
        if (jumpsPerHour * dt > 1.0) {
            throw new IllegalArgumentException("truth.jumps_per_hour: at most one jump per step, got "
                    + jumpsPerHour * dt + " per step");
        }
        if (meanReversionPerHour * dt >= 1.0) {
            throw new IllegalArgumentException("truth.mean_reversion_per_hour: kappa * dt must be < 1, got "
                    + meanReversionPerHour * dt);
        }
    }

    private static void nonNegative(String field, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(field + ": must be finite and >= 0, got " + v);
        }
    }
}
