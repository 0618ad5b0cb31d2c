package com.m0club.bench.dev;

import java.util.Arrays;

/**
 * Summary of a set of latency samples in milliseconds: count, nearest-rank percentiles, max and mean.
 *
 * <p>Nearest-rank (the smallest sample with at least p% of the samples at or below it) rather than interpolation,
 * so every percentile printed is a latency that was actually observed; with the few thousand samples a run yields,
 * the two differ by less than the clock's resolution.
 */
public record LatencyStats(int count, long p50, long p95, long p99, long max, double mean) {
    /** The summary of no samples: every figure 0, {@link #isEmpty()} true. */
    public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0);

    /** Summarises {@code samples} (not modified). */
    public static LatencyStats of(long[] samples) {
        if (samples.length == 0) {
            return EMPTY;
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (long s : sorted) {
            sum += s;
        }
        return new LatencyStats(sorted.length, rank(sorted, 50), rank(sorted, 95), rank(sorted, 99),
                sorted[sorted.length - 1], sum / sorted.length);
    }

    /** Nearest-rank percentile of an ascending array: element ceil(p/100 * n), 1-based. */
    static long rank(long[] ascending, int percent) {
        if (percent <= 0 || percent > 100) {
            throw new IllegalArgumentException("percent: must be in 1..100, got " + percent);
        }
        int rank = (int) Math.ceil(percent / 100.0 * ascending.length);
        return ascending[Math.max(0, rank - 1)];
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
