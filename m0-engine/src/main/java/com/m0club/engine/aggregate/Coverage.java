package com.m0club.engine.aggregate;

/**
 * How much of the expected evidence a feature vector rests on.
 *
 * @param sourcesExpected sources the market is configured to have
 * @param sourcesSeen sources with fresh evidence in this vector
 * @param sourcesStale sources whose latest evidence is older than the staleness limit (dropped)
 * @param eventsSeen events accepted into the market's state since the previous feature vector
 * @param lateEventsDropped events dropped since the previous vector because the source already had newer evidence
 */
public record Coverage(int sourcesExpected, int sourcesSeen, int sourcesStale, long eventsSeen,
        long lateEventsDropped) {

    public Coverage {
        if (sourcesExpected < 1 || sourcesExpected > 0xFFFF) {
            throw new IllegalArgumentException("coverage.sources_expected: must be in 1..65535, got "
                    + sourcesExpected);
        }
        if (sourcesSeen < 0 || sourcesSeen > 0xFFFF || sourcesStale < 0 || sourcesStale > 0xFFFF) {
            throw new IllegalArgumentException("coverage: source counts must be in 0..65535");
        }
        if (eventsSeen < 0 || lateEventsDropped < 0) {
            throw new IllegalArgumentException("coverage: event counts must be >= 0");
        }
    }

    /** {@code min(1, seen / expected)}. */
    public double ratio() {
        return Math.min(1.0, sourcesSeen / (double) sourcesExpected);
    }
}
