package com.m0club.devkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.engine.TestMarkets;
import com.m0club.engine.source.QuoteKind;
import com.m0club.engine.source.QuotePayload;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.OutcomeId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    private static Simulator sim(long seed) {
        return Simulator.builder().seed(seed).markets(TestMarkets.all()).sourcesPerMarket(5)
                .adversarialPerMarket(2).build();
    }

    private static List<SourceQuote> run(Simulator s, long untilMs, long stepMs) {
        List<SourceQuote> all = new ArrayList<>();
        for (long t = stepMs; t <= untilMs; t += stepMs) {
            all.addAll(s.advanceTo(t));
        }
        return all;
    }

    @Test
    void sameSeedGivesIdenticalQuotes() {
        List<SourceQuote> a = run(sim(42), 600_000, 1_000);
        List<SourceQuote> b = run(sim(42), 600_000, 1_000);
        assertThat(a).hasSizeGreaterThan(500);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void differentSeedGivesDifferentQuotes() {
        List<SourceQuote> a = run(sim(42), 120_000, 1_000);
        List<SourceQuote> b = run(sim(43), 120_000, 1_000);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void quotesDoNotDependOnHowTimeIsStepped() {
        List<SourceQuote> fine = run(sim(7), 300_000, 250);
        List<SourceQuote> coarse = sim(7).advanceTo(300_000);
        assertThat(coarse).isEqualTo(fine);
    }

    @Test
    void quotesAreOrderedAndWithinTheStep() {
        Simulator s = sim(1);
        s.advanceTo(10_000);
        List<SourceQuote> q = s.advanceTo(60_000);
        assertThat(q).allSatisfy(x -> assertThat(x.eventTimeMs()).isGreaterThan(10_000).isLessThanOrEqualTo(60_000));
        assertThat(q).isSortedAccordingTo(Comparator.comparingLong(SourceQuote::eventTimeMs)
                .thenComparing(SourceQuote::market).thenComparing(SourceQuote::source));
    }

    @Test
    void truthIsAProbabilityVectorAndDeterministic() {
        Simulator a = sim(5);
        Simulator b = sim(5);
        for (long t = 0; t <= 3_600_000; t += 600_000) {
            double[] p = a.truth(TestMarkets.EPL, t);
            assertThat(p).hasSize(3);
            double sum = 0;
            for (double x : p) {
                assertThat(x).isBetween(0.0, 1.0);
                sum += x;
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(b.truth(TestMarkets.EPL, t)).containsExactly(p);
        }
    }

    @Test
    void askingForTheTruthAheadDoesNotChangeTheQuotes() {
        Simulator plain = sim(9);
        Simulator peeking = sim(9);
        peeking.truth(TestMarkets.NBA, 1_800_000);
        assertThat(peeking.advanceTo(120_000)).isEqualTo(plain.advanceTo(120_000));
    }

    @Test
    void quotesHaveTheMarketsOutcomesAndPlausibleNumbers() {
        Simulator s = sim(3);
        List<SourceQuote> q = s.advanceTo(120_000);
        Set<QuoteKind> kinds = q.stream().map(SourceQuote::kind).collect(Collectors.toSet());
        assertThat(kinds).containsExactlyInAnyOrder(QuoteKind.BOOKMAKER_ODDS, QuoteKind.EXCHANGE_PRICE);
        for (SourceQuote x : q) {
            List<OutcomeId> outcomes = s.market(x.market()).market().outcomes();
            assertThat(x.payload().values().keySet()).containsExactlyElementsOf(outcomes);
            switch (x.payload()) {
                case QuotePayload.BookmakerOdds b -> {
                    assertThat(b.odds().values()).allSatisfy(o -> assertThat(o).isBetween(1.01, 1000.0));
                    double booksum = b.odds().values().stream().mapToDouble(o -> 1 / o).sum();
                    assertThat(booksum).isGreaterThan(1.0);
                }
                case QuotePayload.ExchangePrices e -> {
                    assertThat(e.prices().values()).allSatisfy(p -> assertThat(p).isBetween(0.001, 0.999));
                    assertThat(e.spread()).isBetween(0.01, 0.04);
                }
            }
            assertThat(x.traceId()).matches("[0-9a-f]{32}");
        }
    }

    @Test
    void adversarialSourcesAreTheLastOnes() {
        Simulator s = sim(11);
        List<SourceProfile> p = s.sourceProfiles();
        assertThat(p).hasSize(5);
        assertThat(p.subList(0, 3)).allSatisfy(x -> assertThat(x.behaviour().isAdversarial()).isFalse());
        assertThat(p.get(4).behaviour()).isInstanceOf(SourceBehaviour.Manipulated.class);
        assertThat(p.get(3).behaviour()).isInstanceOf(SourceBehaviour.Stuck.class);
    }

    @Test
    void stuckSourceRepeatsItsQuote() {
        SourceProfile stuck = SourceProfile.builder("sim.stuck-1", QuoteKind.BOOKMAKER_ODDS)
                .behaviour(new SourceBehaviour.Stuck(10_000)).outage(0, 1_000).build();
        Simulator s = Simulator.builder().seed(1).markets(List.of(TestMarkets.nba()))
                .sourceProfiles(List.of(stuck)).build();
        List<SourceQuote> q = s.advanceTo(120_000).stream().filter(x -> x.eventTimeMs() >= 10_000).toList();
        assertThat(q).hasSizeGreaterThan(5);
        assertThat(q.stream().map(SourceQuote::payload).distinct()).hasSize(1);
    }

    @Test
    void manipulatedSourceLeansTowardItsTarget() {
        SourceProfile honest = SourceProfile.builder("sim.honest-1", QuoteKind.EXCHANGE_PRICE).noiseSd(0)
                .biasSd(0).latencyMs(0).outage(0, 1_000).build();
        SourceProfile bent = SourceProfile.builder("sim.bent-1", QuoteKind.EXCHANGE_PRICE).noiseSd(0).biasSd(0)
                .latencyMs(0).outage(0, 1_000).behaviour(new SourceBehaviour.Manipulated(1.5)).build();
        Simulator s = Simulator.builder().seed(2).markets(List.of(TestMarkets.epl()))
                .sourceProfiles(List.of(honest, bent)).build();
        OutcomeId target = s.market(TestMarkets.EPL).sources().get(1).manipulatedOutcome();
        List<SourceQuote> q = s.advanceTo(60_000);
        for (SourceQuote x : q.stream().filter(x -> x.source().value().equals("sim.bent-1")).toList()) {
            double[] truth = s.truth(TestMarkets.EPL, x.eventTimeMs());
            int idx = s.market(TestMarkets.EPL).market().outcomes().indexOf(target);
            assertThat(x.payload().values().get(target)).isGreaterThan(truth[idx]);
        }
    }

    @Test
    void resolutionIsADeterministicDrawFromTheTruth() {
        Simulator a = sim(21);
        Simulator b = sim(21);
        assertThat(a.resolve(TestMarkets.EPL, 3_600_000)).isEqualTo(b.resolve(TestMarkets.EPL, 3_600_000));
        assertThat(TestMarkets.epl().outcomes()).contains(a.resolve(TestMarkets.EPL, 3_600_000));
    }

    @Test
    void rejectsBadConfigurationAndRewinds() {
        assertThatThrownBy(() -> Simulator.builder().markets(TestMarkets.all()).build())
                .hasMessageContaining("seed");
        assertThatThrownBy(() -> Simulator.builder().seed(1).build()).hasMessageContaining("markets");
        assertThatThrownBy(() -> Simulator.builder().seed(1).markets(TestMarkets.all()).adversarialPerMarket(9)
                .build()).hasMessageContaining("adversarial_per_market");
        Simulator s = sim(1);
        s.advanceTo(10_000);
        assertThatThrownBy(() -> s.advanceTo(5_000)).hasMessageContaining("cannot go back");
    }

    @Test
    void forgottenTruthIsAClearError() {
        Simulator s = Simulator.builder().seed(1).markets(List.of(TestMarkets.nba())).truthRetentionMs(60_000)
                .build();
        s.advanceTo(300_000);
        assertThatThrownBy(() -> s.truth(TestMarkets.NBA, 10_000)).hasMessageContaining("retained history");
        assertThat(s.truth(TestMarkets.NBA, 290_000)).hasSize(2);
    }
}
