package com.m0club.devkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.engine.TestMarkets;
import com.m0club.engine.TestMetrics;
import com.m0club.engine.aggregate.AggregatorConfig;
import com.m0club.engine.ingest.IngestResult;
import com.m0club.engine.pipeline.EnginePipeline;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.FixedPoint;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Simulator -> ingest -> aggregate -> quant for the three example markets over simulated time, scored against the
 * simulator's hidden truth. Behavioural, not timing: the clock is simulated.
 */
class EndToEndTest {
    private static final long START = 1_700_000_000_000L;
    private static final long MINUTES = 20;

    record Run(List<ModelOutput> outputs, Map<MarketId, double[]> brier, PrometheusRegistry registry,
            long accepted) {}

    private static Run run(long seed, long minutes) {
        List<Market> markets = TestMarkets.all();
        ManualClock clock = new ManualClock(START);
        Simulator sim = Simulator.builder().seed(seed).startMs(START).markets(markets).sourcesPerMarket(5)
                .adversarialPerMarket(1).build();
        PrometheusRegistry registry = new PrometheusRegistry();
        EnginePipeline pipeline = EnginePipeline.builder().markets(markets).clock(clock).registry(registry)
                .aggregatorConfig(AggregatorConfig.builder().defaultSourcesExpected(5).build()).build();
        List<ModelOutput> outputs = new ArrayList<>();
        Map<MarketId, double[]> brier = new HashMap<>(); // [oracle sum, uniform sum, count]
        long accepted = 0;
        for (long t = START + 250; t <= START + minutes * 60_000; t += 250) {
            clock.set(t);
            for (IngestResult r : pipeline.pushAll(sim.advanceTo(t))) {
                if (r instanceof IngestResult.Accepted) {
                    accepted++;
                }
            }
            for (ModelOutput out : pipeline.tick(t)) {
                outputs.add(out);
                if (out.isBlocked()) {
                    continue;
                }
                double[] truth = sim.truth(out.market(), t);
                Distribution d = out.distribution().orElseThrow();
                double oracle = 0;
                double uniform = 0;
                for (int i = 0; i < truth.length; i++) {
                    double p = FixedPoint.toDouble(d.get(i).p());
                    oracle += (p - truth[i]) * (p - truth[i]);
                    uniform += (1.0 / truth.length - truth[i]) * (1.0 / truth.length - truth[i]);
                }
                double[] acc = brier.computeIfAbsent(out.market(), k -> new double[3]);
                acc[0] += oracle;
                acc[1] += uniform;
                acc[2]++;
            }
        }
        return new Run(outputs, brier, registry, accepted);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2026})
    void forecastsBeatAUniformForecastAgainstTheTruth(long seed) {
        Run run = run(seed, MINUTES);
        assertThat(run.accepted()).isGreaterThan(1_000);
        assertThat(run.brier()).containsOnlyKeys(TestMarkets.NBA, TestMarkets.EPL, TestMarkets.BTC);
        for (Map.Entry<MarketId, double[]> e : run.brier().entrySet()) {
            double[] acc = e.getValue();
            assertThat(acc[2]).as("published ticks of %s", e.getKey()).isGreaterThan(500);
            double oracle = acc[0] / acc[2];
            double uniform = acc[1] / acc[2];
            assertThat(oracle).as("mean Brier vs truth of %s (uniform %s)", e.getKey(), uniform)
                    .isLessThan(uniform);
        }
        // every market is evaluated once per tick it was stepped through (20 minutes at a 1.5 s cadence, the start
        // not on the tick grid)
        long nba = run.outputs().stream().filter(o -> o.market().equals(TestMarkets.NBA)).count();
        assertThat(nba).isBetween(MINUTES * 60_000 / 1_500, MINUTES * 60_000 / 1_500 + 1);
        assertThat(TestMetrics.counter(run.registry(), "m0_ingest_events_total", "result", "accepted"))
                .isEqualTo(run.accepted());
    }

    @ParameterizedTest
    @ValueSource(longs = {7})
    void theWholeRunIsDeterministic(long seed) {
        Run a = run(seed, 5);
        Run b = run(seed, 5);
        assertThat(a.outputs()).isEqualTo(b.outputs());
    }
}
