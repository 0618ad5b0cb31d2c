package com.m0club.backtest.score;

import java.util.Arrays;
import java.util.List;

/**
 * The baselines the oracle is compared with, computed from the same de-margined source probabilities the model saw at
 * a tick (the feature vector's fresh evidence), as pure functions. Each returns a probability vector in canonical
 * outcome order (renormalized with {@link Scores#normalize}).
 */
public final class Baselines {
    private Baselines() {}

    /** The mean of the sources' probabilities, outcome by outcome. */
    public static double[] mean(List<double[]> sources) {
        int k = width(sources);
        double[] out = new double[k];
        for (double[] s : sources) {
            for (int i = 0; i < k; i++) {
                out[i] += s[i] / sources.size();
            }
        }
        return Scores.normalize(out);
    }

    /** The median of the sources' probabilities, outcome by outcome, renormalized. */
    public static double[] median(List<double[]> sources) {
        int k = width(sources);
        double[] out = new double[k];
        double[] column = new double[sources.size()];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < column.length; j++) {
                column[j] = sources.get(j)[i];
            }
            out[i] = quantile(column, 0.5);
        }
        return Scores.normalize(out);
    }

    /**
     * Pyth-style aggregation: every source casts three votes per outcome, {@code p - u}, {@code p}, {@code p + u}
     * (with {@code u} its own uncertainty, the exchange spread; 0 for a bookmaker); the estimate is the median of the
     * votes (renormalized over outcomes) and the interval is the votes' interquartile range around it.
     *
     * @param sources each source's probabilities
     * @param uncertainty each source's uncertainty, same order
     */
    public static Interval pythMedian(List<double[]> sources, double[] uncertainty) {
        int k = width(sources);
        if (uncertainty == null || uncertainty.length != sources.size()) {
            throw new IllegalArgumentException("uncertainty: one per source is required");
        }
        double[] mid = new double[k];
        double[] low = new double[k];
        double[] high = new double[k];
        double[] votes = new double[3 * sources.size()];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < sources.size(); j++) {
                double p = sources.get(j)[i];
                votes[3 * j] = p - uncertainty[j];
                votes[3 * j + 1] = p;
                votes[3 * j + 2] = p + uncertainty[j];
            }
            mid[i] = quantile(votes, 0.5);
            low[i] = Math.max(0, quantile(votes, 0.25));
            high[i] = Math.min(1, quantile(votes, 0.75));
        }
        return new Interval(Scores.normalize(mid), low, high);
    }

    /** A point forecast with per-outcome interval bounds. */
    public record Interval(double[] p, double[] low, double[] high) {}

    /** Linear-interpolated quantile of the values (copied, then sorted). */
    static double quantile(double[] values, double q) {
        double[] v = values.clone();
        Arrays.sort(v);
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return v[lo] + (v[hi] - v[lo]) * (pos - lo);
    }

    private static int width(List<double[]> sources) {
        if (sources == null || sources.isEmpty()) {
            throw new IllegalArgumentException("sources: at least one source is required");
        }
        int k = sources.get(0).length;
        for (double[] s : sources) {
            if (s.length != k) {
                throw new IllegalArgumentException("sources: every source needs the same " + k + " outcomes");
            }
        }
        return k;
    }
}
