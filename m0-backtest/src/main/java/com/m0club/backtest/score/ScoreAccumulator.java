package com.m0club.backtest.score;

/**
 * Running sums of the scores of one forecaster (the oracle or a baseline) over many forecasts: mean Brier, mean log
 * loss, ECE over {@link ReliabilityBins}, sharpness (mean max-p). Constant memory. Not thread-safe.
 */
public final class ScoreAccumulator {
    private long n;
    private double brier;
    private double logLoss;
    private double sharpness;
    private final ReliabilityBins bins = new ReliabilityBins();

    /** Scores one forecast {@code p} (canonical outcome order) against the outcome index that happened. */
    public void add(double[] p, int outcome) {
        brier += Scores.brier(p, outcome);
        logLoss += Scores.logLoss(p, outcome);
        sharpness += Scores.maxP(p);
        bins.addForecast(p, outcome);
        n++;
    }

    public void addAll(ScoreAccumulator other) {
        n += other.n;
        brier += other.brier;
        logLoss += other.logLoss;
        sharpness += other.sharpness;
        bins.addAll(other.bins);
    }

    public long count() {
        return n;
    }

    /** The means so far (all 0 when nothing was scored). */
    public Score score() {
        double d = n == 0 ? 1 : n;
        return new Score(n, brier / d, logLoss / d, bins.ece(), sharpness / d, bins.bins());
    }

    /**
     * Mean scores of one forecaster.
     *
     * @param n forecasts scored
     * @param brier mean multi-class Brier score
     * @param logLoss mean log loss (natural log, clamped at {@link Scores#LOG_LOSS_FLOOR})
     * @param ece expected calibration error over ten bins
     * @param sharpness mean largest probability
     * @param reliability the non-empty bins of the reliability diagram
     */
    public record Score(long n, double brier, double logLoss, double ece, double sharpness,
            java.util.List<ReliabilityBins.Bin> reliability) {
        public Score {
            reliability = java.util.List.copyOf(reliability);
        }
    }
}
