package com.m0club.engine.quant;

import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.FixedPoint;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.id.OutcomeId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the Dirichlet prior is centred: uniform, or the market's previous published distribution (decayed toward
 * uniform by the config's {@code priorDecay}). The previous distribution is also what the JUMP flag compares against.
 * Passing the prior in keeps {@link QuantModel} a pure function; the pipeline remembers the previous output.
 */
public final class Prior {
    private static final Prior UNIFORM = new Prior(Optional.empty());

    private final Optional<Distribution> previous;

    private Prior(Optional<Distribution> previous) {
        this.previous = previous;
    }

    public static Prior uniform() {
        return UNIFORM;
    }

    public static Prior previous(Distribution previous) {
        return new Prior(Optional.of(Objects.requireNonNull(previous, "previous")));
    }

    public Optional<Distribution> previousDistribution() {
        return previous;
    }

    /**
     * The prior mean over {@code outcomes}: uniform, or {@code (1 - decay) * previous + decay * uniform}.
     *
     * @throws IllegalArgumentException if the previous distribution is over other outcomes
     */
    double[] mean(List<OutcomeId> outcomes, double decay) {
        int n = outcomes.size();
        double[] m = new double[n];
        if (previous.isEmpty()) {
            java.util.Arrays.fill(m, 1.0 / n);
            return m;
        }
        double[] prev = previousVector(outcomes).orElseThrow();
        for (int i = 0; i < n; i++) {
            m[i] = (1.0 - decay) * prev[i] + decay / n;
        }
        return m;
    }

    /** The previous distribution's p in the order of {@code outcomes}, if there is one. */
    Optional<double[]> previousVector(List<OutcomeId> outcomes) {
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        Distribution d = previous.get();
        if (d.size() != outcomes.size()) {
            throw new IllegalArgumentException("prior: previous distribution has " + d.size() + " outcomes, the"
                    + " features have " + outcomes.size());
        }
        double[] v = new double[outcomes.size()];
        for (int i = 0; i < v.length; i++) {
            OutcomeProbability op = d.get(i);
            if (!op.outcome().equals(outcomes.get(i))) {
                throw new IllegalArgumentException("prior: previous distribution is over " + op.outcome()
                        + " where the features have " + outcomes.get(i));
            }
            v[i] = FixedPoint.toDouble(op.p());
        }
        return Optional.of(v);
    }

    @Override
    public String toString() {
        return previous.isEmpty() ? "Prior[uniform]" : "Prior[previous]";
    }
}
