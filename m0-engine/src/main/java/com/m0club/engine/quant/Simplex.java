package com.m0club.engine.quant;

/** Small vector helpers over probability vectors, all on {@link StrictMath}. Package-private. */
final class Simplex {
    private static final double LN2 = StrictMath.log(2.0);

    private Simplex() {}

    /** Each entry clipped to [floor, 1 - floor] then divided by the sum. */
    static double[] clipNormalize(double[] p, double floor) {
        double[] out = new double[p.length];
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            out[i] = Math.min(1.0 - floor, Math.max(floor, p[i]));
            s += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= s;
        }
        return out;
    }

    static double logit(double p) {
        return StrictMath.log(p) - StrictMath.log1p(-p);
    }

    /** Shannon entropy in nats; 0 ln 0 = 0. */
    static double entropy(double[] p) {
        double h = 0;
        for (double x : p) {
            if (x > 0) {
                h -= x * StrictMath.log(x);
            }
        }
        return h;
    }

    /** Jensen-Shannon divergence in bits, in [0, 1]. */
    static double jensenShannon(double[] p, double[] q) {
        double js = 0;
        for (int i = 0; i < p.length; i++) {
            double m = 0.5 * (p[i] + q[i]);
            if (p[i] > 0) {
                js += 0.5 * p[i] * StrictMath.log(p[i] / m);
            }
            if (q[i] > 0) {
                js += 0.5 * q[i] * StrictMath.log(q[i] / m);
            }
        }
        return Math.min(1.0, Math.max(0.0, js / LN2));
    }

    /** Median of a copy (mean of the two middle values for an even count). */
    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
}
