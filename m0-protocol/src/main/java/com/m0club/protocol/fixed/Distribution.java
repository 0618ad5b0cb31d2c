package com.m0club.protocol.fixed;

import com.m0club.protocol.Checks;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.id.OutcomeId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A probability distribution over a market's outcomes in fixed point, in canonical order (outcome ids ascending by
 * byte), summing to exactly S, each outcome keeping the interval invariant.
 *
 * <p>The constructor checks and never repairs: the wrong order, a duplicate or a sum that is off by one unit is an
 * error. {@link #fromDoubles} is the only path that rounds, and it documents the one adjustment it makes (the residual
 * after rounding goes to the largest outcome).
 */
public record Distribution(List<OutcomeProbability> outcomes) {
    /** Maximum |sum - 1| accepted by {@link #fromDoubles}; anything further off is a model bug, not rounding. */
    public static final double SUM_TOLERANCE = 1e-6;

    /** Upper bound on outcomes per market: the wire count is a u16, the registry keeps markets far smaller. */
    public static final int MAX_OUTCOMES = 256;

    public Distribution {
        Checks.notNull("outcomes", outcomes);
        outcomes = List.copyOf(outcomes);
        if (outcomes.isEmpty()) {
            throw new ProtocolException(ErrorCode.EMPTY, "outcomes", "a distribution needs at least one outcome");
        }
        if (outcomes.size() > MAX_OUTCOMES) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, "outcomes",
                    "at most " + MAX_OUTCOMES + " outcomes, got " + outcomes.size());
        }
        long sum = 0;
        OutcomeId previous = null;
        for (int i = 0; i < outcomes.size(); i++) {
            OutcomeId id = outcomes.get(i).outcome();
            if (previous != null) {
                int cmp = previous.compareTo(id);
                if (cmp == 0) {
                    throw new ProtocolException(ErrorCode.DUPLICATE, "outcomes[" + i + "].outcome_id",
                            "outcome ids must be unique, " + id + " appears twice");
                }
                if (cmp > 0) {
                    throw new ProtocolException(ErrorCode.NON_CANONICAL_ORDER, "outcomes[" + i + "].outcome_id",
                            "outcomes must be in ascending outcome_id byte order, " + id + " follows " + previous);
                }
            }
            previous = id;
            sum += outcomes.get(i).p();
        }
        if (sum != FixedPoint.SCALE) {
            throw new ProtocolException(ErrorCode.BAD_SUM, "outcomes",
                    "probabilities must sum to exactly S=1000000000, got " + sum);
        }
    }

    /** Builds from outcomes in any order; sorting is not a repair because a set of outcomes has no order. */
    public static Distribution of(List<OutcomeProbability> outcomes) {
        Checks.notNull("outcomes", outcomes);
        List<OutcomeProbability> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparing(OutcomeProbability::outcome));
        return new Distribution(sorted);
    }

    public int size() {
        return outcomes.size();
    }

    public OutcomeProbability get(int index) {
        return outcomes.get(index);
    }

    /** A model's output for one outcome, in doubles. */
    public record DoubleOutcome(OutcomeId outcome, double p, double ciLow, double ciHigh) {
        public DoubleOutcome {
            Checks.notNull("outcome_id", outcome);
        }

        public static DoubleOutcome of(String outcome, double p, double ciLow, double ciHigh) {
            return new DoubleOutcome(OutcomeId.of(outcome), p, ciLow, ciHigh);
        }
    }

    /**
     * Converts a model's doubles to fixed point.
     *
     * <ol>
     *   <li>Every value must be finite and in [0, 1], with {@code ciLow <= p <= ciHigh}, ids unique, and
     *       {@code |sum(p) - 1| <= 1e-6}; otherwise an error.</li>
     *   <li>Each value is rounded half-even to S units ({@link FixedPoint#fromDouble}).</li>
     *   <li>The residual {@code S - sum(rounded p)} goes to the outcome with the largest rounded p (ties: the first in
     *       canonical order).</li>
     *   <li>That outcome's interval is widened to contain its adjusted p, if the residual moved p outside it.</li>
     * </ol>
     */
    public static Distribution fromDoubles(List<DoubleOutcome> values) {
        Checks.notNull("outcomes", values);
        if (values.isEmpty()) {
            throw new ProtocolException(ErrorCode.EMPTY, "outcomes", "a distribution needs at least one outcome");
        }
        List<DoubleOutcome> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.comparing(DoubleOutcome::outcome));
        double sum = 0;
        for (int i = 0; i < sorted.size(); i++) {
            DoubleOutcome d = sorted.get(i);
            if (i > 0 && sorted.get(i - 1).outcome().equals(d.outcome())) {
                throw new ProtocolException(ErrorCode.DUPLICATE, "outcomes[" + d.outcome() + "]",
                        "outcome ids must be unique, " + d.outcome() + " appears twice");
            }
            String f = "outcomes[" + d.outcome() + "]";
            checkFinite(f + ".p", d.p());
            checkFinite(f + ".ci_low", d.ciLow());
            checkFinite(f + ".ci_high", d.ciHigh());
            if (!(d.ciLow() <= d.p() && d.p() <= d.ciHigh())) {
                throw new ProtocolException(ErrorCode.CI_INVARIANT, f,
                        "must satisfy ci_low <= p <= ci_high, got ci_low=" + d.ciLow() + " p=" + d.p() + " ci_high="
                                + d.ciHigh());
            }
            sum += d.p();
        }
        if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
            throw new ProtocolException(ErrorCode.BAD_SUM, "outcomes",
                    "probabilities must sum to 1 within " + SUM_TOLERANCE + ", got " + sum);
        }
        int n = sorted.size();
        long[] p = new long[n];
        long[] lo = new long[n];
        long[] hi = new long[n];
        long total = 0;
        int largest = 0;
        for (int i = 0; i < n; i++) {
            DoubleOutcome d = sorted.get(i);
            String f = "outcomes[" + d.outcome() + "]";
            p[i] = FixedPoint.fromDouble(f + ".p", d.p());
            lo[i] = FixedPoint.fromDouble(f + ".ci_low", d.ciLow());
            hi[i] = FixedPoint.fromDouble(f + ".ci_high", d.ciHigh());
            total += p[i];
            if (p[i] > p[largest]) {
                largest = i;
            }
        }
        p[largest] += FixedPoint.SCALE - total;
        lo[largest] = Math.min(lo[largest], p[largest]);
        hi[largest] = Math.max(hi[largest], p[largest]);
        List<OutcomeProbability> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new OutcomeProbability(sorted.get(i).outcome(), p[i], lo[i], hi[i]));
        }
        return new Distribution(out);
    }

    private static void checkFinite(String field, double value) {
        if (!Double.isFinite(value)) {
            throw new ProtocolException(ErrorCode.NOT_FINITE, field, "must be a finite number, got " + value);
        }
        if (value < 0.0 || value > 1.0) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, field,
                    "must be a probability in [0, 1], got " + value);
        }
    }
}
