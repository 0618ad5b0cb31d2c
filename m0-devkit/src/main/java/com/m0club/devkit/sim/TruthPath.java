package com.m0club.devkit.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One market's hidden true logit path on the {@link TruthDynamics} grid, computed lazily step by step from its own
 * random stream (so querying the truth ahead of the sources never changes what the sources see).
 *
 * <p>Memory is bounded: steps older than the retention horizon behind the simulator's current time are dropped
 * ({@link #trimBefore}); asking for one of them is an error that names the horizon. Not thread-safe.
 */
final class TruthPath {
    private final int outcomes;
    private final SplittableRandom rng;
    private final TruthDynamics dyn;
    private final long originMs;
    private final double[] initial;
    private final double reversion;
    private final double stepSd;
    private final double jumpProbability;

    /** Ring of logit vectors for steps firstStep..lastStep. */
    private double[][] ring = new double[1024][];
    private long firstStep;
    private long lastStep;

    TruthPath(int outcomes, SplittableRandom rng, TruthDynamics dyn, long originMs) {
        this.outcomes = outcomes;
        this.rng = rng;
        this.dyn = dyn;
        this.originMs = originMs;
        double dt = dyn.stepMs() / 3_600_000.0;
        this.reversion = dyn.meanReversionPerHour() * dt;
        this.stepSd = dyn.volatilityPerSqrtHour() * StrictMath.sqrt(dt);
        this.jumpProbability = dyn.jumpsPerHour() * dt;
        this.initial = new double[outcomes];
        for (int i = 0; i < outcomes; i++) {
            initial[i] = dyn.initialLogitSd() * SimRandom.gaussian(rng);
        }
        ring[0] = initial.clone();
        firstStep = 0;
        lastStep = 0;
    }

    /** The grid step containing {@code timeMs}; times before the origin map to step 0. */
    long stepAt(long timeMs) {
        return timeMs <= originMs ? 0 : (timeMs - originMs) / dyn.stepMs();
    }

    /** The true logits at {@code timeMs} (a copy). */
    double[] logitsAt(long timeMs) {
        long step = stepAt(timeMs);
        if (step < firstStep) {
            throw new IllegalArgumentException("time_ms: truth at " + timeMs + " is older than the retained history"
                    + " (oldest retained step starts at " + (originMs + firstStep * dyn.stepMs()) + " ms)");
        }
        while (lastStep < step) {
            advanceOneStep();
        }
        return slot(step).clone();
    }

    /** The true probabilities at {@code timeMs}. */
    double[] probabilitiesAt(long timeMs) {
        return Softmax.of(logitsAt(timeMs));
    }

    /** Forgets steps that end before {@code timeMs}; the step containing it is kept. */
    void trimBefore(long timeMs) {
        long step = Math.min(stepAt(timeMs), lastStep);
        while (firstStep < step) {
            ring[(int) (firstStep % ring.length)] = null;
            firstStep++;
        }
    }

    private double[] slot(long step) {
        return ring[(int) (step % ring.length)];
    }

    private void advanceOneStep() {
        double[] prev = slot(lastStep);
        double[] next = new double[outcomes];
        for (int i = 0; i < outcomes; i++) {
            next[i] = prev[i] - reversion * (prev[i] - initial[i]) + stepSd * SimRandom.gaussian(rng);
        }
        if (rng.nextDouble() < jumpProbability) {
            for (int i = 0; i < outcomes; i++) {
                next[i] += dyn.jumpSd() * SimRandom.gaussian(rng);
            }
        }
        if (lastStep + 1 - firstStep >= ring.length) {
            grow();
        }
        lastStep++;
        ring[(int) (lastStep % ring.length)] = next;
    }

    private void grow() {
        double[][] bigger = new double[ring.length * 2][];
        for (long s = firstStep; s <= lastStep; s++) {
            bigger[(int) (s % bigger.length)] = ring[(int) (s % ring.length)];
        }
        Arrays.fill(ring, null);
        ring = bigger;
    }
}
