package com.m0club.devkit.sim;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seed derivation and the few distributions the simulator draws from, written out so that the streams are fully
 * specified: {@link SplittableRandom#nextDouble()} is defined bit-exactly by its Javadoc, and the Gaussian here is
 * Box-Muller over {@link StrictMath}, so the same seed gives the same quotes on every JVM (the JDK's own
 * {@code nextGaussian} is an implementation detail that may change).
 *
 * <p>Every stream is derived from the run seed and a label path (for example {@code seed / "source" / market /
 * source}), never from the order streams were created in: adding a market or a source leaves every other stream as
 * it was.
 */
final class SimRandom {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private SimRandom() {}

    /** A 64-bit seed for the stream named by {@code labels} under {@code seed}. */
    static long derive(long seed, String... labels) {
        long h = mix64(seed ^ 0x6d30636c75625f73L);
        for (String label : labels) {
            h = mix64(h ^ fnv1a64(label));
        }
        return h;
    }

    /** A new generator for the stream named by {@code labels}. */
    static SplittableRandom stream(long seed, String... labels) {
        return new SplittableRandom(derive(seed, labels));
    }

    /** Standard normal by Box-Muller (one value per call; the pair's second half is discarded for simplicity). */
    static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble(); // (0, 1]: log is finite
        double u2 = r.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** Uniform in [lo, hi). */
    static double uniform(SplittableRandom r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    /** Exponential with the given mean, in whole milliseconds, at least 1. */
    static long exponentialMs(SplittableRandom r, double meanMs) {
        double u = 1.0 - r.nextDouble();
        return Math.max(1L, (long) StrictMath.floor(-meanMs * StrictMath.log(u)));
    }

    /** 32 lowercase hex characters (a W3C-style trace id) from the stream. */
    static String traceId(SplittableRandom r) {
        return String.format("%016x%016x", r.nextLong(), r.nextLong());
    }

    static long fnv1a64(String s) {
        long h = FNV_OFFSET;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xFF);
            h *= FNV_PRIME;
        }
        return h;
    }

    /** SplitMix64's finalizer (Steele, Lea, Flood 2014). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
