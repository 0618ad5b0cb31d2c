package com.m0club.engine.topic;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.engine.aggregate.Coverage;
import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.engine.aggregate.SourceEvidence;
import com.m0club.engine.ingest.DemarginMethod;
import com.m0club.engine.ingest.NormalizedEvent;
import com.m0club.engine.ingest.ProbabilityEvidence;
import com.m0club.engine.ingest.SourceHealth;
import com.m0club.engine.quant.ModelDiagnostics;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.engine.source.QuoteKind;
import com.m0club.eventlog.testing.CodecChecks;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.ModelRef;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The engine's record codecs keep the {@link com.m0club.eventlog.RecordCodec} contract: round trip, deterministic,
 * truncated or arbitrary bytes refused with a RecordFormatException only; one golden vector each.
 */
class EngineCodecProperties {
    static final long S = 1_000_000_000L;

    // ---- arbitraries -------------------------------------------------------------------------------------------

    static Arbitrary<Hash32> hashes() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32).map(Hash32::of);
    }

    static Arbitrary<SortedMap<OutcomeId, Double>> probabilities() {
        return Arbitraries.doubles().between(0.01, 1.0).list().ofMinSize(2).ofMaxSize(4)
                .<SortedMap<OutcomeId, Double>>map(ws -> {
            double sum = ws.stream().mapToDouble(Double::doubleValue).sum();
            TreeMap<OutcomeId, Double> m = new TreeMap<>();
            double rest = 1.0;
            for (int i = 0; i < ws.size() - 1; i++) {
                double p = ws.get(i) / sum;
                m.put(OutcomeId.of("O" + i), p);
                rest -= p;
            }
            m.put(OutcomeId.of("O" + (ws.size() - 1)), Math.max(0.0, rest));
            return m;
        }).filter(m -> Math.abs(m.values().stream().mapToDouble(Double::doubleValue).sum() - 1.0) <= 1e-9);
    }

    static Arbitrary<String> traces() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().ofMaxLength(24);
    }

    @Provide
    Arbitrary<NormalizedEvent> events() {
        Arbitrary<ProbabilityEvidence> evidence = Combinators.combine(Arbitraries.of(QuoteKind.class), probabilities(),
                Arbitraries.doubles().between(-1, 1), Arbitraries.doubles().between(0, 1),
                Arbitraries.of(DemarginMethod.class)).as(ProbabilityEvidence::new);
        return Combinators.combine(hashes(), Arbitraries.integers().between(0, 99).map(i -> SourceId.of("src-" + i)),
                Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(3).ofMaxLength(12).map(MarketId::of),
                Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs(), evidence,
                Arbitraries.longs().between(0, 0xFFF), traces()).as(NormalizedEvent::new);
    }

    @Provide
    Arbitrary<FeatureVector> features() {
        Arbitrary<List<SourceEvidence>> sources = Arbitraries.integers().between(0, 3).flatMap(n ->
                Combinators.combine(probabilities().list().ofSize(n), hashes().list().ofSize(n),
                        Arbitraries.longs().between(0, 60_000)).as((ps, hs, age) -> {
                            List<SourceEvidence> out = new ArrayList<>();
                            int outcomes = n == 0 ? 0 : ps.get(0).size();
                            for (int i = 0; i < n; i++) {
                                SortedMap<OutcomeId, Double> p = ps.get(i).size() == outcomes ? ps.get(i)
                                        : ps.get(0);
                                out.add(new SourceEvidence(SourceId.of("s" + i), hs.get(i),
                                        i % 2 == 0 ? QuoteKind.BOOKMAKER_ODDS : QuoteKind.EXCHANGE_PRICE, p,
                                        1_000_000 + i, age, 0.01 * i, 0.5));
                            }
                            return out;
                        }));
        return Combinators.combine(sources, Arbitraries.longs().between(0, 1000), Arbitraries.longs().between(0, 3599),
                Arbitraries.longs().between(0, 0xFFF), traces(), Arbitraries.integers().between(0, 5))
                .as((src, epoch, tick, flags, trace, extra) -> FeatureVector.of(MarketId.of("FV_MARKET"), epoch, tick,
                        epoch * 3_600_000, epoch * 3_600_000 + 3_600_000, epoch * 3_600_000 + tick * 1000,
                        epoch * 3_600_000 + tick * 1000 + 1000, epoch * 3_600_000 + tick * 1000 + 500, 45_000, src,
                        new Coverage(Math.max(1, src.size() + extra), src.size(), extra, 10L * src.size(), extra),
                        flags, trace));
    }

    @Provide
    Arbitrary<ModelOutput> outputs() {
        Arbitrary<Optional<Distribution>> distributions = Arbitraries.longs().between(0, S).map(p ->
                Optional.of(new Distribution(List.of(new OutcomeProbability(OutcomeId.of("NO"), S - p,
                        Math.max(0, S - p - 5), Math.min(S, S - p + 5)), new OutcomeProbability(OutcomeId.of("YES"), p,
                        p / 2, p))))).injectDuplicates(0.0);
        Arbitrary<ModelDiagnostics> diagnostics = Combinators.combine(Arbitraries.integers().between(0, 10),
                Arbitraries.integers().between(0, 3).map(n -> {
                    List<SourceId> l = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        l.add(SourceId.of("r" + i));
                    }
                    return l;
                }), Arbitraries.doubles().list().ofMaxSize(4), Arbitraries.doubles(), Arbitraries.doubles())
                .as((used, rejected, pooled, div, ess) -> new ModelDiagnostics(used, rejected, pooled, div, ess, 0.5,
                        -0.0, Double.NaN));
        return Combinators.combine(Arbitraries.of(true, false), distributions, Arbitraries.of(9000, 9500, 9900),
                Arbitraries.integers().between(0, 10_000), hashes().optional(), hashes(), diagnostics, traces())
                .as((blocked, dist, ci, risk, calibration, features, diag, trace) -> new ModelOutput(
                        MarketId.of("MO_MARKET"), 3, 7, 10_800_000, 14_400_000, blocked ? Optional.empty() : dist, ci,
                        risk, blocked ? 0 : 5, ModelRef.of("logpool", "1.0.0"), calibration, features, 1_234, trace,
                        blocked ? Optional.of("LOW_COVERAGE") : Optional.empty(), diag));
    }

    // ---- properties --------------------------------------------------------------------------------------------

    @Property(tries = 200)
    void normalizedEventsRoundTrip(@ForAll("events") NormalizedEvent e, @ForAll int bit) {
        assertThat(CodecChecks.roundTrip(NormalizedEventCodec.INSTANCE, e)).isEqualTo(e);
        byte[] bytes = NormalizedEventCodec.INSTANCE.encode(e);
        CodecChecks.truncationsAndTrailingBytesFail(NormalizedEventCodec.INSTANCE, bytes);
        CodecChecks.flippedBitFailsCleanly(NormalizedEventCodec.INSTANCE, bytes, bit);
    }

    @Property(tries = 200)
    void featureVectorsRoundTrip(@ForAll("features") FeatureVector f, @ForAll int bit) {
        assertThat(CodecChecks.roundTrip(FeatureVectorCodec.INSTANCE, f)).isEqualTo(f);
        byte[] bytes = FeatureVectorCodec.INSTANCE.encode(f);
        CodecChecks.truncationsAndTrailingBytesFail(FeatureVectorCodec.INSTANCE, bytes);
        CodecChecks.flippedBitFailsCleanly(FeatureVectorCodec.INSTANCE, bytes, bit);
    }

    @Property(tries = 200)
    void modelOutputsRoundTrip(@ForAll("outputs") ModelOutput o, @ForAll int bit) {
        assertThat(CodecChecks.roundTrip(ModelOutputCodec.INSTANCE, o)).isEqualTo(o);
        byte[] bytes = ModelOutputCodec.INSTANCE.encode(o);
        CodecChecks.truncationsAndTrailingBytesFail(ModelOutputCodec.INSTANCE, bytes);
        CodecChecks.flippedBitFailsCleanly(ModelOutputCodec.INSTANCE, bytes, bit);
    }

    @Provide
    Arbitrary<SourceHealth> health() {
        return Combinators.combine(Arbitraries.integers().between(0, 99).map(i -> SourceId.of("src-" + i)),
                Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(3).ofMaxLength(12).map(MarketId::of),
                Arbitraries.of(true, false), Arbitraries.longs().between(0, Long.MAX_VALUE)).as(SourceHealth::new);
    }

    @Property(tries = 200)
    void sourceHealthReportsRoundTrip(@ForAll("health") SourceHealth h, @ForAll int bit) {
        assertThat(CodecChecks.roundTrip(SourceHealthCodec.INSTANCE, h)).isEqualTo(h);
        byte[] bytes = SourceHealthCodec.INSTANCE.encode(h);
        CodecChecks.truncationsAndTrailingBytesFail(SourceHealthCodec.INSTANCE, bytes);
        CodecChecks.flippedBitFailsCleanly(SourceHealthCodec.INSTANCE, bytes, bit);
    }

    @Example
    void sourceHealthGolden() {
        var h = new SourceHealth(SourceId.of("book-a"), MarketId.of("GOLD_MKT"), true, 1000);
        assertThat(CodecChecks.golden(SourceHealthCodec.INSTANCE, h, GOLDEN_HEALTH)).isEqualTo(h);
    }

    static final String GOLDEN_HEALTH = "0006626f6f6b2d610008474f4c445f4d4b540100000000000003e8";

    @Property(tries = 500)
    void arbitraryBytesAreRefusedCleanly(@ForAll byte[] bytes) {
        CodecChecks.arbitraryBytesFailCleanly(SourceHealthCodec.INSTANCE, bytes);
        CodecChecks.arbitraryBytesFailCleanly(NormalizedEventCodec.INSTANCE, bytes);
        CodecChecks.arbitraryBytesFailCleanly(FeatureVectorCodec.INSTANCE, bytes);
        CodecChecks.arbitraryBytesFailCleanly(ModelOutputCodec.INSTANCE, bytes);
    }

    // ---- golden vectors ----------------------------------------------------------------------------------------

    static final Hash32 H1 = Hash32.of(filled(0x11));
    static final Hash32 H2 = Hash32.of(filled(0x22));

    static byte[] filled(int b) {
        byte[] a = new byte[32];
        java.util.Arrays.fill(a, (byte) b);
        return a;
    }

    static SortedMap<OutcomeId, Double> halves() {
        TreeMap<OutcomeId, Double> m = new TreeMap<>();
        m.put(OutcomeId.of("NO"), 0.5);
        m.put(OutcomeId.of("YES"), 0.5);
        return m;
    }

    @Example
    void normalizedEventGolden() {
        var e = new NormalizedEvent(H1, SourceId.of("sim-a"), MarketId.of("GOLD_MKT"), 1000, 1001,
                new ProbabilityEvidence(QuoteKind.BOOKMAKER_ODDS, halves(), 0.05, 0.0, DemarginMethod.SHIN), 1, "t1");
        assertThat(CodecChecks.golden(NormalizedEventCodec.INSTANCE, e, GOLDEN_EVENT)).isEqualTo(e);
    }

    @Example
    void featureVectorGolden() {
        var f = FeatureVector.of(MarketId.of("GOLD_MKT"), 1, 2, 3_600_000, 7_200_000, 3_602_000, 3_603_000, 3_602_500,
                45_000, List.of(new SourceEvidence(SourceId.of("sim-a"), H1, QuoteKind.EXCHANGE_PRICE, halves(),
                        3_602_000, 500, 0.0, 0.25)), new Coverage(2, 1, 0, 3, 0), 0, "t2");
        assertThat(CodecChecks.golden(FeatureVectorCodec.INSTANCE, f, GOLDEN_FEATURES)).isEqualTo(f);
    }

    @Example
    void modelOutputGolden() {
        var d = new Distribution(List.of(new OutcomeProbability(OutcomeId.of("NO"), 400_000_000, 300_000_000,
                500_000_000), new OutcomeProbability(OutcomeId.of("YES"), 600_000_000, 500_000_000, 700_000_000)));
        var o = new ModelOutput(MarketId.of("GOLD_MKT"), 1, 2, 3_600_000, 7_200_000, Optional.of(d), 9500, 1200, 0,
                ModelRef.of("logpool", "1.0.0"), Optional.empty(), H2, 3_603_001, "t3", Optional.empty(),
                new ModelDiagnostics(1, List.of(SourceId.of("sim-b")), List.of(0.4, 0.6), 0.0, 1.0, 0.97, 0.2, 0.0));
        assertThat(CodecChecks.golden(ModelOutputCodec.INSTANCE, o, GOLDEN_OUTPUT)).isEqualTo(o);
    }

    static final String GOLDEN_EVENT =
            "1111111111111111111111111111111111111111111111111111111111111111000573696d2d610008474f4c445f4d4b"
            + "5400000000000003e800000000000003e9010000000200024e4f3fe000000000000000035945533fe00000000000003f"
            + "a999999999999a000000000000000001000000000000000100027431";
    static final String GOLDEN_FEATURES =
            "0008474f4c445f4d4b5400000000000000010000000000000002000000000036ee8000000000006ddd00000000000036"
            + "f650000000000036fa38000000000036f844000000000000afc800000001000573696d2d611111111111111111111111"
            + "111111111111111111111111111111111111111111020000000200024e4f3fe000000000000000035945533fe0000000"
            + "000000000000000036f65000000000000001f400000000000000003fd000000000000000000002000000010000000000"
            + "00000000000003000000000000000000000000000000005cc900dbf8d83df610d95ce35f8671bcac7c1f6dfb39eb9be9"
            + "13f0de0e6af01000027432";
    static final String GOLDEN_OUTPUT =
            "0008474f4c445f4d4b5400000000000000010000000000000002000000000036ee8000000000006ddd00010000000200"
            + "024e4f0000000017d784000000000011e1a300000000001dcd650000035945530000000023c34600000000001dcd6500"
            + "0000000029b927000000251c000004b0000000000000000000076c6f67706f6f6c0005312e302e300022222222222222"
            + "22222222222222222222222222222222222222222222222222000000000036fa39000274330000000001000000010005"
            + "73696d2d62000000023fd999999999999a3fe333333333333300000000000000003ff00000000000003fef0a3d70a3d7"
            + "0a3fc999999999999a0000000000000000";
}
