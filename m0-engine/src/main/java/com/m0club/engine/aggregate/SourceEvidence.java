package com.m0club.engine.aggregate;

import com.m0club.engine.ingest.ProbabilityEvidence;
import com.m0club.engine.source.QuoteKind;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.util.Objects;
import java.util.SortedMap;

/**
 * One source's latest fresh evidence in a feature vector.
 *
 * @param source who quoted
 * @param eventId the event this evidence came from (lineage back to the quote)
 * @param kind quote kind
 * @param probabilities de-margined probabilities, canonical outcome order, each finite in [0, 1], summing to 1
 *     within 1e-9
 * @param eventTimeMs when the source published it
 * @param ageMs {@code max(0, asOf - eventTime)} at the feature vector's time
 * @param margin the margin removed at ingest
 * @param uncertainty the source's own spread (0 for bookmakers)
 */
public record SourceEvidence(SourceId source, Hash32 eventId, QuoteKind kind, SortedMap<OutcomeId, Double> probabilities,
        long eventTimeMs, long ageMs, double margin, double uncertainty) {

    public SourceEvidence {
        Objects.requireNonNull(source, "evidence.source");
        Objects.requireNonNull(eventId, "evidence.event_id");
        Objects.requireNonNull(kind, "evidence.kind");
        Objects.requireNonNull(probabilities, "evidence.probabilities");
        probabilities = ProbabilityEvidence.checkedProbabilities("evidence[" + source + "].probabilities",
                probabilities);
        if (eventTimeMs < 0 || ageMs < 0) {
            throw new IllegalArgumentException("evidence[" + source + "]: event_time_ms and age_ms must be >= 0");
        }
        if (!Double.isFinite(margin)) {
            throw new IllegalArgumentException("evidence[" + source + "].margin: must be finite, got " + margin);
        }
        if (!(uncertainty >= 0.0 && uncertainty <= 1.0)) {
            throw new IllegalArgumentException("evidence[" + source + "].uncertainty: must be in [0, 1], got "
                    + uncertainty);
        }
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
