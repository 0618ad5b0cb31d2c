package com.m0club.engine.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.engine.source.QuoteKind;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The worked example of docs/quant.md, "Features hash" (computed independently from the documented layout). */
class FeatureVectorVectorsTest {

    @Test
    void featuresHashAndWindowKeyVectors() {
        TreeMap<OutcomeId, Double> p = new TreeMap<>();
        p.put(OutcomeId.of("AWAY_WIN"), 0.4661246612466125);
        p.put(OutcomeId.of("HOME_WIN"), 0.5338753387533875);
        SourceEvidence e = new SourceEvidence(SourceId.of("sim.book-1"),
                Hash32.fromHex("id", "c2f67f517e248f57ad542e19f5470d3ad3e0420c8ca9a1567d8113e5a22749d9"),
                QuoteKind.BOOKMAKER_ODDS, p, 36_000_000, 100, 0.04336043360433604, 0.0);
        FeatureVector fv = FeatureVector.of(MarketId.of("NBA_LAL_BOS"), 10, 0, 36_000_000, 39_600_000, 36_000_000,
                36_001_500, 36_000_100, 45_000, List.of(e), new Coverage(4, 1, 0, 1, 0),
                QualityFlag.LOW_COVERAGE.mask(), "trace");
        assertThat(HexFormat.of().formatHex(fv.canonicalBytes())).isEqualTo(
                "01000b004e42415f4c414c5f424f530a00000000000000000000000051250200000000803f5c020000000000512502"
                        + "00000000dc562502000000006451250200000000c8af0000000000000400010000000100000000000000000000"
                        + "00000000000100000001000a0073696d2e626f6f6b2d31c2f67f517e248f57ad542e19f5470d3ad3e0420c8ca9"
                        + "a1567d8113e5a22749d90100512502000000006400000000000000b2a0950200000000000000000000000002000800"
                        + "415741595f57494e757fc81b000000000800484f4d455f57494e8b4ad21f00000000");
        assertThat(fv.featuresHash().toHex())
                .isEqualTo("c982d2926d8fef8694b9c54eb0e155af818386abafd034dba3cbda671ae6fa6b");
        assertThat(fv.windowKey().toHex())
                .isEqualTo("ece63753b64c43b09e0334a54c1111d7ae7166055f5b57c84d0be959cb47ec2e");
    }
}
