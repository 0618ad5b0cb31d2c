package com.m0club.bench.dev;

import java.util.Arrays;

/** A growable array of millisecond samples (not thread-safe: its owner guards it). */
final class Samples {
    private long[] values = new long[64];
    private int size;

    void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    void addAll(Samples other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }

    int size() {
        return size;
    }

    LatencyStats stats() {
        return LatencyStats.of(Arrays.copyOf(values, size));
    }
}
