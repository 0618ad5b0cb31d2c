package com.m0club.engine.quant;

/**
 * Robust screening of sources in logit space (docs/quant.md, "Screening"). Per outcome i, over the sources j:
 *
 * <pre>
 *   l_ji   = logit(q_ji)                       (q clipped to [floor, 1 - floor] first)
 *   med_i  = median_j l_ji
 *   s_i    = max(1.4826 * median_j |l_ji - med_i|, madFloor)
 *   reject j  if  |l_ji - med_i| > k * s_i  for any outcome i
 * </pre>
 *
 * 1.4826 makes the MAD a consistent estimate of a normal standard deviation; the floor keeps sources that agree
 * closely from being rejected for tiny differences. Screening needs at least {@code minSources} sources (a median of
 * two cannot tell which one is wrong). If it would reject every source, nothing is rejected and the divergence
 * guardrail decides. Pure; thread-safe.
 */
final class RobustScreen {
    static final double MAD_TO_SD = 1.4826;

    private RobustScreen() {}

    /** Which sources to reject; {@code q[j]} is source j's clipped vector. */
    static boolean[] rejected(double[][] q, double k, double madFloor, int minSources) {
        int m = q.length;
        boolean[] out = new boolean[m];
        if (m < minSources) {
            return out;
        }
        int n = q[0].length;
        double[] column = new double[m];
        double[] dev = new double[m];
        int rejectedCount = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                column[j] = Simplex.logit(q[j][i]);
            }
            double med = Simplex.median(column);
            for (int j = 0; j < m; j++) {
                dev[j] = Math.abs(column[j] - med);
            }
            double scale = Math.max(MAD_TO_SD * Simplex.median(dev), madFloor);
            for (int j = 0; j < m; j++) {
                if (!out[j] && dev[j] > k * scale) {
                    out[j] = true;
                    rejectedCount++;
                }
            }
        }
        if (rejectedCount == m) {
            return new boolean[m];
        }
        return out;
    }
}
