package com.m0club.backtest.score;

/**
 * The proper scores of one probability forecast against the outcome that happened, as small pure functions
 * (docs/quant.md, "Backtest"). A forecast is a probability vector in the market's canonical outcome order; the
 * outcome is its index.
 */
public final class Scores {
    /** Log loss clamps the probability of the outcome that happened to at least this (so it stays finite). */
    public static final double LOG_LOSS_FLOOR = 1e-6;

    private Scores() {}

    /** Multi-class Brier score {@code sum_k (p_k - y_k)^2}: 0 for a perfect forecast, at most 2. */
    public static double brier(double[] p, int outcome) {
        check(p, outcome);
        double s = 0;
        for (int k = 0; k < p.length; k++) {
            double d = p[k] - (k == outcome ? 1.0 : 0.0);
            s += d * d;
        }
        return s;
    }

    /** {@code -ln(max(p_outcome, LOG_LOSS_FLOOR))}: 0 for a perfect forecast, at most {@code -ln(LOG_LOSS_FLOOR)}. */
    public static double logLoss(double[] p, int outcome) {
        check(p, outcome);
        double q = Math.min(1.0, Math.max(LOG_LOSS_FLOOR, p[outcome]));
        return 0.0 - Math.log(q); // never -0.0
    }

    /** The largest probability of the vector (sharpness is its mean over forecasts). */
    public static double maxP(double[] p) {
        if (p == null || p.length == 0) {
            throw new IllegalArgumentException("p: needs at least one outcome");
        }
        double m = p[0];
        for (double v : p) {
            m = Math.max(m, v);
        }
        return m;
    }

    /**
     * The vector clamped to [0, 1] and scaled to sum to 1; uniform when nothing is left. Baselines built outcome by
     * outcome (a median per outcome) are renormalized with this.
     */
    public static double[] normalize(double[] v) {
        if (v == null || v.length == 0) {
            throw new IllegalArgumentException("v: needs at least one outcome");
        }
        double[] out = new double[v.length];
        double sum = 0;
        for (int k = 0; k < v.length; k++) {
            double x = Double.isFinite(v[k]) ? Math.min(1.0, Math.max(0.0, v[k])) : 0.0;
            out[k] = x;
            sum += x;
        }
        for (int k = 0; k < out.length; k++) {
            out[k] = sum > 0 ? out[k] / sum : 1.0 / out.length;
        }
        return out;
    }

    private static void check(double[] p, int outcome) {
        if (p == null || p.length == 0) {
            throw new IllegalArgumentException("p: needs at least one outcome");
        }
        if (outcome < 0 || outcome >= p.length) {
            throw new IllegalArgumentException("outcome: must be in 0.." + (p.length - 1) + ", got " + outcome);
        }
    }
}
