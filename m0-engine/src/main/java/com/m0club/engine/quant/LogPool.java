package com.m0club.engine.quant;

/**
 * Weighted logarithmic pooling with an envelope constraint (docs/quant.md, "Pooling").
 *
 * <pre>
 *   g_i = exp(sum_j w_j ln q_ji / sum_j w_j)          (q clipped to [floor, 1 - floor])
 *   r_i = g_i / sum_k g_k                             (geometric mean, renormalized)
 *   p_i = clip(r_i + lambda, lo_i, hi_i)               lo_i = min_j q_ji, hi_i = max_j q_ji (unclipped)
 * </pre>
 *
 * with lambda such that {@code sum p_i = 1} (bisection on [-1, 1], {@value #ITERATIONS} halvings; lambda = 0 when r is
 * already inside the envelope). For two outcomes the log pool already lies between the sources; for three or more,
 * renormalizing can push an outcome past every source when sources disagree about which outcomes are impossible. The
 * envelope keeps the pool from being more extreme than every surviving source says; extremizing, if ever wanted, is
 * a separate, fitted step. Pure; thread-safe.
 */
final class LogPool {
    static final int ITERATIONS = 100;

    private LogPool() {}

    /**
     * @param clipped sources' vectors after {@link Simplex#clipNormalize}
     * @param raw the same sources' vectors as reported (for the envelope)
     * @param weights non-negative, not all zero
     */
    static double[] pool(double[][] clipped, double[][] raw, double[] weights) {
        int m = clipped.length;
        int n = clipped[0].length;
        double wSum = 0;
        for (double w : weights) {
            wSum += w;
        }
        double[] logG = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < m; j++) {
                if (weights[j] > 0) {
                    s += weights[j] * StrictMath.log(clipped[j][i]);
                }
            }
            logG[i] = s / wSum;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logG) {
            max = Math.max(max, v);
        }
        double[] r = new double[n];
        double z = 0;
        for (int i = 0; i < n; i++) {
            r[i] = StrictMath.exp(logG[i] - max);
            z += r[i];
        }
        for (int i = 0; i < n; i++) {
            r[i] /= z;
        }
        double[] lo = new double[n];
        double[] hi = new double[n];
        for (int i = 0; i < n; i++) {
            lo[i] = Double.POSITIVE_INFINITY;
            hi[i] = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < m; j++) {
                if (weights[j] > 0) {
                    lo[i] = Math.min(lo[i], raw[j][i]);
                    hi[i] = Math.max(hi[i], raw[j][i]);
                }
            }
        }
        return envelope(r, lo, hi);
    }

    /** Projects r onto {p : lo <= p <= hi, sum p = 1} along the all-ones direction. */
    static double[] envelope(double[] r, double[] lo, double[] hi) {
        int n = r.length;
        boolean inside = true;
        for (int i = 0; i < n; i++) {
            if (r[i] < lo[i] || r[i] > hi[i]) {
                inside = false;
                break;
            }
        }
        if (inside) {
            return r.clone();
        }
        double a = -1.0;
        double b = 1.0;
        for (int it = 0; it < ITERATIONS; it++) {
            double mid = 0.5 * (a + b);
            if (shiftedSum(r, lo, hi, mid) < 1.0) {
                a = mid;
            } else {
                b = mid;
            }
        }
        double lambda = 0.5 * (a + b);
        double[] p = new double[n];
        double s = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.min(hi[i], Math.max(lo[i], r[i] + lambda));
            s += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] = Math.min(hi[i], Math.max(lo[i], p[i] / s));
        }
        return p;
    }

    private static double shiftedSum(double[] r, double[] lo, double[] hi, double lambda) {
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            s += Math.min(hi[i], Math.max(lo[i], r[i] + lambda));
        }
        return s;
    }
}
