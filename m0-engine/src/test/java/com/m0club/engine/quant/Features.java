package com.m0club.engine.quant;

import com.m0club.engine.aggregate.Coverage;
import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.engine.aggregate.SourceEvidence;
import com.m0club.engine.canonical.EngineDigest;
import com.m0club.engine.source.QuoteKind;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Builds feature vectors for quant tests: sources "s0", "s1", ... over outcomes "O0", "O1", ... */
final class Features {
    static final MarketId MARKET = MarketId.of("QUANT_TEST");
    static final long T = 7_200_000 + 3_000;
    static final long STALENESS = 45_000;

    private Features() {}

    static FeatureVector of(List<double[]> sources, List<Long> ages, int expected, long flags) {
        List<SourceEvidence> evidence = new ArrayList<>();
        for (int j = 0; j < sources.size(); j++) {
            double[] p = sources.get(j);
            TreeMap<OutcomeId, Double> m = new TreeMap<>();
            for (int i = 0; i < p.length; i++) {
                m.put(OutcomeId.of("O" + i), p[i]);
            }
            long age = ages.get(j);
            evidence.add(new SourceEvidence(SourceId.of("s" + j),
                    EngineDigest.EVENT.hash(("e" + j).getBytes(StandardCharsets.US_ASCII)), QuoteKind.BOOKMAKER_ODDS,
                    m, T - age, age, 0.05, 0.0));
        }
        Coverage coverage = new Coverage(expected, sources.size(), 0, sources.size(), 0);
        return FeatureVector.of(MARKET, 2, 3, 7_200_000, 10_800_000, 7_203_000, 7_204_000, T, STALENESS, evidence,
                coverage, flags, "trace-q");
    }

    static FeatureVector of(double[]... sources) {
        List<Long> ages = new ArrayList<>();
        for (int j = 0; j < sources.length; j++) {
            ages.add(1_000L);
        }
        return of(List.of(sources), ages, Math.max(1, sources.length), 0);
    }
}
