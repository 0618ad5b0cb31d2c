package com.m0club.devkit.sim;

/**
 * Shin's model run forward: the prices a bookmaker facing a share {@code z} of insider money sets for true
 * probabilities {@code p} (Shin 1993). Ingest inverts exactly this model, so a simulated bookmaker is the textbook case
 * the de-margining is built for, plus the rounding of printed odds.
 *
 * <pre>
 *   pi_i(z) = sqrt(z * p_i + (1 - z) * p_i^2) * S(z),   S(z) = sum_j sqrt(z * p_j + (1 - z) * p_j^2)
 *   sum_i pi_i(z) = S(z)^2 = 1 + margin                  (z found by bisection on [0, 1], 64 halvings)
 * </pre>
 */
final class ShinForward {
    private static final int ITERATIONS = 64;

    private ShinForward() {}

    /** Implied probabilities {@code 1/odds} with total {@code 1 + margin} (or the largest total z = 1 allows). */
    static double[] impliedProbabilities(double[] p, double margin) {
        double target = 1.0 + margin;
        double lo = 0;
        double hi = 1;
        if (booksum(p, 1.0) <= target) {
            lo = 1.0;
        } else {
            for (int i = 0; i < ITERATIONS; i++) {
                double mid = 0.5 * (lo + hi);
                if (booksum(p, mid) < target) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
        }
        double z = lo;
        double s = root(p, z);
        double[] pi = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            pi[i] = StrictMath.sqrt(z * p[i] + (1 - z) * p[i] * p[i]) * s;
        }
        return pi;
    }

    private static double root(double[] p, double z) {
        double s = 0;
        for (double pi : p) {
            s += StrictMath.sqrt(z * pi + (1 - z) * pi * pi);
        }
        return s;
    }

    private static double booksum(double[] p, double z) {
        double s = root(p, z);
        return s * s;
    }
}
