package com.m0club.devkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.engine.TestMarkets;
import com.m0club.engine.bundle.BundleAssembler;
import com.m0club.engine.pipeline.EnginePipeline;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.id.MarketId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BundleAssemblerTest {
    private static final long START = 1_700_000_000_000L;
    private static List<ModelOutput> outputs;

    /** One simulated round of five seconds through the real pipeline. */
    @BeforeAll
    static void simulate() {
        ManualClock clock = new ManualClock(START);
        Simulator sim = Simulator.builder().seed(99).startMs(START - 60_000).markets(TestMarkets.all()).build();
        EnginePipeline pipeline = EnginePipeline.builder().markets(TestMarkets.all()).clock(clock)
                .registry(new PrometheusRegistry()).build();
        sim.advanceTo(START - 1).forEach(pipeline::push);
        outputs = new ArrayList<>();
        for (long t = START; t < START + 5_000; t += 500) {
            clock.set(t);
            sim.advanceTo(t).forEach(pipeline::push);
            outputs.addAll(pipeline.tick(t));
        }
    }

    private final BundleAssembler assembler = new BundleAssembler();

    @Test
    void keepsTheLatestTickPerMarketInCanonicalOrder() {
        Bundle bundle = assembler.assemble(outputs, 3, 41, START, START + 5_000, START + 5_010).orElseThrow();
        assertThat(bundle.items()).extracting(i -> i.marketId().value())
                .containsExactly("CRYPTO_BTC_RANGE_24H", "EPL_ARS_MCI", "NBA_LAL_BOS");
        for (var item : bundle.items()) {
            long latest = outputs.stream().filter(o -> o.market().equals(item.marketId()) && !o.isBlocked())
                    .mapToLong(ModelOutput::tick).max().orElseThrow();
            assertThat(item.tick()).isEqualTo(latest);
        }
        assertThat(bundle.header().signerSetId()).isEqualTo(3);
        assertThat(bundle.header().sequence()).isEqualTo(41);
        assertThat(bundle.header().producedAtMs()).isEqualTo(START + 5_010);
    }

    @Test
    void decodesAndRebuildsByteIdentically() {
        Bundle bundle = assembler.assemble(outputs, 3, 41, START, START + 5_000, START + 5_010).orElseThrow();
        byte[] bytes = BundleCodec.encode(bundle);
        EncodedBundle decoded = BundleCodec.decode(bytes);
        assertThat(decoded.bundle()).isEqualTo(bundle);

        List<ModelOutput> shuffled = new ArrayList<>(outputs);
        Collections.shuffle(shuffled, new java.util.Random(5));
        Bundle rebuilt = new BundleAssembler().assemble(shuffled, 3, 41, START, START + 5_000, START + 5_010)
                .orElseThrow();
        assertThat(BundleCodec.encode(rebuilt)).isEqualTo(bytes);
        assertThat(EncodedBundle.of(rebuilt).bundleHash()).isEqualTo(decoded.bundleHash());
    }

    @Test
    void blockedOutputsAreSkippedAndAnEmptyRoundHasNoBundle() {
        ModelOutput some = outputs.stream().filter(o -> !o.isBlocked()).findFirst().orElseThrow();
        ModelOutput blockedLater = new ModelOutput(some.market(), some.epochId(), some.tick() + 100,
                some.windowStartMs(), some.windowEndMs(), Optional.empty(), some.ciLevelBps(), 10_000,
                some.qualityFlags(), some.model(), some.calibrationHash(), some.featuresHash(), some.producedAtMs(),
                some.traceId(), Optional.of("SOURCE_DIVERGENCE"), some.diagnostics());
        List<ModelOutput> withBlocked = new ArrayList<>(List.of(some, blockedLater));
        Bundle bundle = assembler.assemble(withBlocked, 1, 1, START, START + 5_000, START).orElseThrow();
        assertThat(bundle.items()).hasSize(1);
        assertThat(bundle.items().get(0).tick()).isEqualTo(some.tick());
        assertThat(assembler.assemble(List.of(blockedLater), 1, 1, START, START + 5_000, START)).isEmpty();
        assertThat(assembler.assemble(List.of(), 1, 1, START, START + 5_000, START)).isEmpty();
    }

    @Test
    void sameTickTiesAreBrokenWithoutLookingAtArrivalOrder() {
        ModelOutput a = outputs.stream().filter(o -> o.market().equals(MarketId.of("NBA_LAL_BOS")))
                .filter(o -> !o.isBlocked()).findFirst().orElseThrow();
        ModelOutput retried = new ModelOutput(a.market(), a.epochId(), a.tick(), a.windowStartMs(), a.windowEndMs(),
                a.distribution(), a.ciLevelBps(), Math.min(10_000, a.riskScoreBps() + 1), a.qualityFlags(), a.model(),
                a.calibrationHash(), a.featuresHash(), a.producedAtMs(), a.traceId(), Optional.empty(),
                a.diagnostics());
        assertThat(assembler.select(List.of(a, retried))).isEqualTo(assembler.select(List.of(retried, a)));
    }
}
