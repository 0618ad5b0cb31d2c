package com.m0club.devkit.sim;

/** {@code softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x)}, over {@link StrictMath} for reproducibility. */
final class Softmax {
    private Softmax() {}

    static double[] of(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : logits) {
            max = Math.max(max, x);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = StrictMath.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
