package com.m0club.engine.ingest;

import java.util.Optional;

/**
 * Removes a bookmaker's margin from decimal odds (docs/quant.md, "De-margining"). Shin's method is the default: it
 * models the margin as the bookmaker's protection against a share {@code z} of insider money, which puts more of the
 * margin on long shots, the favourite-longshot bias real books show. If Shin's equation does not converge the power
 * method is used; plain normalization is never the method of choice for a bookmaker.
 *
 * <p>Both solvers are bisections with a fixed iteration count, so the same odds give bit-identical probabilities.
 * Pure functions; thread-safe.
 */
public final class Demargin {
    /** Bisection halvings for Shin's z on [0, 1) and the power method's exponent. */
    public static final int ITERATIONS = 100;
    /** A solution is accepted when its probabilities sum to 1 within this. */
    public static final double CONVERGENCE_TOLERANCE = 1e-9;
    /** A book whose implied probabilities sum to within this below 1 is treated as margin-free (rounding). */
    public static final double NO_MARGIN_TOLERANCE = 1e-9;
    /** Upper end of Shin's bracket: z = 1 means every bettor is an insider and the equation degenerates. */
    static final double Z_MAX = 1.0 - 1e-9;

    private Demargin() {}

    /** The outcome of de-margining: probabilities in input order summing to 1, the margin, and the method used. */
    public record Result(double[] probabilities, double margin, DemarginMethod method) {}

    /**
     * Shin first, power as the fallback. The caller has checked every odds value is finite and > 1 and that
     * {@code sum(1/odds) >= 1 - NO_MARGIN_TOLERANCE}.
     *
     * @return empty if neither method produced a valid vector
     */
    public static Optional<Result> bookmaker(double[] odds) {
        double[] implied = implied(odds);
        Optional<Result> shin = shin(implied);
        return shin.isPresent() ? shin : power(implied);
    }

    /** {@code 1 / odds_i}. */
    public static double[] implied(double[] odds) {
        double[] pi = new double[odds.length];
        for (int i = 0; i < odds.length; i++) {
            pi[i] = 1.0 / odds[i];
        }
        return pi;
    }

    /**
     * Shin (1993), as solved by Jullien and Salanié (1994) and Štrumbelj (2014). With {@code pi_i = 1/odds_i} and
     * booksum {@code B = sum(pi)}:
     *
     * <pre>
     *   p_i(z) = (sqrt(z^2 + 4 (1 - z) pi_i^2 / B) - z) / (2 (1 - z))
     * </pre>
     *
     * {@code sum p_i(z)} falls from {@code sqrt(B) > 1} at z = 0 toward {@code sum(pi^2)/B < 1} as z -> 1, so the z
     * with {@code sum p_i(z) = 1} is found by bisection on {@code [0, Z_MAX]} with {@value #ITERATIONS} halvings.
     * The residual (at most a few ulps) is divided out. A book with {@code B <= 1} has no margin: z = 0 and
     * {@code p = pi / B}.
     *
     * @return empty when the bracket holds no root or the result is not a probability vector (then use the power
     *     method)
     */
    public static Optional<Result> shin(double[] implied) {
        double booksum = sum(implied);
        if (!(booksum > 0) || !Double.isFinite(booksum)) {
            return Optional.empty();
        }
        if (booksum <= 1.0) {
            if (booksum < 1.0 - NO_MARGIN_TOLERANCE) {
                return Optional.empty();
            }
            return normalized(scaled(implied, 1.0 / booksum), 0.0, DemarginMethod.SHIN);
        }
        double lo = 0.0;
        double hi = Z_MAX;
        if (shinSum(implied, booksum, hi) > 1.0) {
            return Optional.empty();
        }
        for (int i = 0; i < ITERATIONS; i++) {
            double mid = 0.5 * (lo + hi);
            if (shinSum(implied, booksum, mid) > 1.0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double z = 0.5 * (lo + hi);
        double[] p = new double[implied.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = shinProbability(implied[i], booksum, z);
        }
        return normalized(p, booksum - 1.0, DemarginMethod.SHIN);
    }

    /**
     * The power method: {@code p_i = pi_i^k} with k such that {@code sum pi_i^k = 1}. For a book with margin, k > 1;
     * the bracket [1, 2^m] is widened by doubling until the sum drops below 1, then bisected {@value #ITERATIONS}
     * times.
     */
    public static Optional<Result> power(double[] implied) {
        double booksum = sum(implied);
        if (!(booksum > 0) || !Double.isFinite(booksum)) {
            return Optional.empty();
        }
        for (double pi : implied) {
            if (!(pi > 0.0 && pi < 1.0)) {
                return Optional.empty();
            }
        }
        if (booksum <= 1.0) {
            if (booksum < 1.0 - NO_MARGIN_TOLERANCE) {
                return Optional.empty();
            }
            return normalized(scaled(implied, 1.0 / booksum), 0.0, DemarginMethod.POWER);
        }
        double lo = 1.0;
        double hi = 2.0;
        int widen = 0;
        while (powerSum(implied, hi) > 1.0) {
            lo = hi;
            hi *= 2.0;
            if (++widen > 60) {
                return Optional.empty();
            }
        }
        for (int i = 0; i < ITERATIONS; i++) {
            double mid = 0.5 * (lo + hi);
            if (powerSum(implied, mid) > 1.0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double k = 0.5 * (lo + hi);
        double[] p = new double[implied.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = StrictMath.exp(k * StrictMath.log(implied[i]));
        }
        return normalized(p, booksum - 1.0, DemarginMethod.POWER);
    }

    static double shinProbability(double pi, double booksum, double z) {
        double root = StrictMath.sqrt(z * z + 4.0 * (1.0 - z) * pi * pi / booksum);
        return (root - z) / (2.0 * (1.0 - z));
    }

    private static double shinSum(double[] implied, double booksum, double z) {
        double s = 0;
        for (double pi : implied) {
            s += shinProbability(pi, booksum, z);
        }
        return s;
    }

    private static double powerSum(double[] implied, double k) {
        double s = 0;
        for (double pi : implied) {
            s += StrictMath.exp(k * StrictMath.log(pi));
        }
        return s;
    }

    private static Optional<Result> normalized(double[] p, double margin, DemarginMethod method) {
        double s = sum(p);
        if (!(Math.abs(s - 1.0) <= CONVERGENCE_TOLERANCE)) {
            return Optional.empty();
        }
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.min(1.0, Math.max(0.0, p[i] / s));
            if (!Double.isFinite(p[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(new Result(p, Math.max(0.0, margin), method));
    }

    private static double[] scaled(double[] v, double factor) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * factor;
        }
        return out;
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
