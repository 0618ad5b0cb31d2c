package com.m0club.engine.ingest;

import com.m0club.engine.source.QuoteKind;
import com.m0club.protocol.id.OutcomeId;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one quote says about a market after de-margining: a probability vector over the market's outcomes (canonical
 * order, summing to 1 within 1e-9), the margin that was removed, and how uncertain the source itself says it is.
 *
 * @param kind the quote kind this came from
 * @param probabilities per outcome, each finite in [0, 1]
 * @param margin bookmaker overround {@code sum(1/odds) - 1} (>= 0), or for exchanges {@code sum(mid) - 1}
 * @param uncertainty the source's own spread in probability units (exchange spread; 0 for bookmakers)
 * @param method how the margin was removed
 */
public record ProbabilityEvidence(QuoteKind kind, SortedMap<OutcomeId, Double> probabilities, double margin,
        double uncertainty, DemarginMethod method) {
    /** Largest accepted |sum - 1| of a probability vector. */
    public static final double SUM_TOLERANCE = 1e-9;

    public ProbabilityEvidence {
        Objects.requireNonNull(kind, "evidence.kind");
        Objects.requireNonNull(method, "evidence.method");
        probabilities = checkedProbabilities("evidence.probabilities", probabilities);
        if (!Double.isFinite(margin)) {
            throw new IllegalArgumentException("evidence.margin: must be finite, got " + margin);
        }
        if (!(uncertainty >= 0.0 && uncertainty <= 1.0)) {
            throw new IllegalArgumentException("evidence.uncertainty: must be in [0, 1], got " + uncertainty);
        }
    }

    /**
     * The rule every probability vector of the engine keeps (here and in {@code SourceEvidence}): at least two
     * outcomes, each finite in [0, 1], summing to 1 within {@link #SUM_TOLERANCE}. Returns an unmodifiable copy in
     * canonical outcome order; errors name {@code field}.
     */
    public static SortedMap<OutcomeId, Double> checkedProbabilities(String field,
            SortedMap<OutcomeId, Double> probabilities) {
        Objects.requireNonNull(probabilities, "evidence.probabilities");
        if (probabilities.size() < 2) {
            throw new IllegalArgumentException(field + ": needs at least two outcomes");
        }
        TreeMap<OutcomeId, Double> copy = new TreeMap<>();
        double sum = 0;
        for (Map.Entry<OutcomeId, Double> e : probabilities.entrySet()) {
            double p = Objects.requireNonNull(e.getValue(), "evidence.probabilities value");
            if (!(p >= 0.0 && p <= 1.0)) {
                throw new IllegalArgumentException(field + "[" + e.getKey()
                        + "]: must be a finite probability in [0, 1], got " + p);
            }
            copy.put(Objects.requireNonNull(e.getKey(), "evidence.probabilities key"), p);
            sum += p;
        }
        if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
            throw new IllegalArgumentException(field + ": must sum to 1 within " + SUM_TOLERANCE + ", got " + sum);
        }
        return Collections.unmodifiableSortedMap(copy);
    }

    /** The probabilities as an array in canonical outcome order. */
    public double[] vector() {
        double[] v = new double[probabilities.size()];
        int i = 0;
        for (double p : probabilities.values()) {
            v[i++] = p;
        }
        return v;
    }
}
