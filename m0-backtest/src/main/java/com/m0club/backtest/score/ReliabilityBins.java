package com.m0club.backtest.score;

import java.util.ArrayList;
import java.util.List;

/**
 * Ten equal-width probability bins for the reliability diagram and the expected calibration error. Every
 * (forecast, outcome) pair is one binary prediction: the outcome's probability against whether it happened
 * (classwise, so a three-outcome forecast adds three points). Bin {@code b} holds {@code p} in {@code [b/10,
 * (b+1)/10)}, the last bin includes 1. Mutable accumulator; not thread-safe.
 */
public final class ReliabilityBins {
    public static final int BINS = 10;

    private final long[] n = new long[BINS];
    private final double[] sumP = new double[BINS];
    private final double[] hits = new double[BINS];

    /** One bin of the diagram: how many points, their mean probability and how often the outcome happened. */
    public record Bin(int index, long n, double meanP, double frequency) {}

    public static int binOf(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("p: must be in [0, 1], got " + p);
        }
        return Math.min(BINS - 1, (int) Math.floor(p * BINS));
    }

    public void add(double p, boolean happened) {
        int b = binOf(p);
        n[b]++;
        sumP[b] += p;
        hits[b] += happened ? 1 : 0;
    }

    /** Adds every outcome of one forecast. */
    public void addForecast(double[] p, int outcome) {
        for (int k = 0; k < p.length; k++) {
            add(p[k], k == outcome);
        }
    }

    public void addAll(ReliabilityBins other) {
        for (int b = 0; b < BINS; b++) {
            n[b] += other.n[b];
            sumP[b] += other.sumP[b];
            hits[b] += other.hits[b];
        }
    }

    public long points() {
        long s = 0;
        for (long v : n) {
            s += v;
        }
        return s;
    }

    /** {@code sum_b (n_b / N) |mean p_b - frequency_b|}; 0 when empty. */
    public double ece() {
        long total = points();
        if (total == 0) {
            return 0;
        }
        double e = 0;
        for (int b = 0; b < BINS; b++) {
            if (n[b] > 0) {
                e += (double) n[b] / total * Math.abs(sumP[b] / n[b] - hits[b] / n[b]);
            }
        }
        return e;
    }

    /** The non-empty bins, ascending. */
    public List<Bin> bins() {
        List<Bin> out = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            if (n[b] > 0) {
                out.add(new Bin(b, n[b], sumP[b] / n[b], hits[b] / n[b]));
            }
        }
        return out;
    }
}
