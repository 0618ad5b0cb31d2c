package com.m0club.publish.bundle;

import static com.m0club.publish.support.Fixture.BTC_MARKET;
import static com.m0club.publish.support.Fixture.NBA_MARKET;
import static com.m0club.publish.support.Fixture.SET_ID;
import static com.m0club.publish.support.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.registry.Market;
import com.m0club.publish.bundle.Bundler.Closed;
import com.m0club.publish.store.MarketProblemStore;
import com.m0club.publish.store.PublishStore.StoredBundle;
import com.m0club.publish.submit.Submitter;
import com.m0club.publish.support.Fixture;
import com.m0club.publish.support.PublishWorld;
import com.m0club.runtime.tracing.TraceHeaders;
import com.m0club.runtime.tracing.TraceScope;
import com.m0club.runtime.tracing.Tracing;
import com.m0club.store.registry.SignerSetStore;
import com.m0club.store.sequence.SequenceAllocator;
import com.m0club.view.ServedValue;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing on the publishing plane, on real PostgreSQL and a real local ledger: the round's bundle span continues one
 * contributing output's trace and links to the others, the signature collection is its child, its context is stored
 * with the bundle and continued by the submitter (commit and reveal) and the reconciler (the announcement of each
 * served value), and none of it reaches the bundle's bytes.
 */
class PublishTracingTest {
    private static final Duration ROUND = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.of(OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider
            .builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build(), "in-memory");

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        tracing.close();
    }

    private PublishWorld world(String name) throws Exception {
        PublishWorld world = new PublishWorld(dir.resolve(name));
        open.add(world);
        new SignerSetStore(world.db, world.clock).insert(Fixture.SET);
        world.clock.set(T0 + 7_000); // mid-round: the round [T0, T0 + 5 s) has ended
        return world;
    }

    private static Bundler<BundleItem> bundler(PublishWorld world, List<BundleRef> handedOff, Tracing tracing,
            List<Map<String, String>> signHeaders) {
        SignatureCollector quorum = b -> {
            signHeaders.add(TraceHeaders.current());
            return new SignatureCollector.Collected.Signed(Fixture.sign(b, Fixture.K1, Fixture.K2));
        };
        return new Bundler<>(new BundlerTest.ItemAssembler(), quorum, ref -> {
            handedOff.add(ref);
            signHeaders.add(TraceHeaders.current()); // what the app publishes on m0.bundles
        }, new SequenceAllocator(world.db, world.clock), world.store, new MarketProblemStore(world.jdbc), SET_ID,
                ROUND, world.clock, m -> true, new PrometheusRegistry(), tracing);
    }

    private static RoundEntry<BundleItem> entry(Market market, SpanContext trace) {
        BundleItem item = Fixture.item(market, T0 + 1_000, 3);
        return new RoundEntry<>(market.id(), item.epochId(), item.tick(), Optional.empty(), item, trace);
    }

    private SpanContext quantSpan(String market) {
        try (TraceScope s = tracing.start("quant", Context.root())) {
            s.attribute("m0.market_id", market);
            return s.spanContext();
        }
    }

    private SpanData span(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans.getFinishedSpanItems()));
    }

    @Test
    void bundlesAreByteIdenticalWithTracingOnOrOffAndOnlyTheTraceColumnDiffers() throws Exception {
        List<StoredBundle> stored = new ArrayList<>();
        for (Tracing t : List.of(Tracing.off(), tracing)) {
            PublishWorld world = world(t.enabled() ? "traced" : "untraced");
            List<BundleRef> refs = new CopyOnWriteArrayList<>();
            Bundler<BundleItem> bundler = bundler(world, refs, t, new CopyOnWriteArrayList<>());
            bundler.offer(entry(BTC_MARKET, t.enabled() ? quantSpan("btc") : SpanContext.getInvalid()));
            bundler.offer(entry(NBA_MARKET, t.enabled() ? quantSpan("nba") : SpanContext.getInvalid()));
            assertThat(bundler.closeRound()).isInstanceOf(Closed.Signed.class);
            stored.add(world.store.find(refs.getFirst().bundleHash()).orElseThrow());
        }
        StoredBundle untraced = stored.get(0);
        StoredBundle traced = stored.get(1);
        assertThat(traced.bundleHash()).isEqualTo(untraced.bundleHash());
        assertThat(traced.record().bundleBytes()).isEqualTo(untraced.record().bundleBytes());
        assertThat(traced.record().signedBundleBytes().orElseThrow())
                .isEqualTo(untraced.record().signedBundleBytes().orElseThrow());
        assertThat(untraced.traceparent()).isEmpty();
        assertThat(traced.traceparent()).isPresent();
    }

    @Test
    void theBundleTraceIsStoredAndContinuedBySigningCommitRevealAndTheAnnouncementOfEachServedValue()
            throws Exception {
        PublishWorld world = world("ledger");
        List<BundleRef> refs = new CopyOnWriteArrayList<>();
        List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
        Bundler<BundleItem> bundler = bundler(world, refs, tracing, headers);
        SpanContext btc = quantSpan("btc");
        SpanContext nba = quantSpan("nba");
        bundler.offer(entry(BTC_MARKET, btc));
        bundler.offer(entry(NBA_MARKET, nba));
        assertThat(bundler.closeRound()).isInstanceOf(Closed.Signed.class);

        SpanData bundle = span("bundle");
        SpanData sign = span("sign");
        assertThat(bundle.getParentSpanContext()).isEqualTo(btc); // the first market's output is the parent
        assertThat(bundle.getLinks()).extracting(l -> l.getSpanContext()).containsExactly(nba);
        assertThat(bundle.getAttributes().asMap().toString()).contains("m0.sequence=1", "m0.outcome=signed");
        assertThat(sign.getParentSpanId()).isEqualTo(bundle.getSpanId());
        // the agents are asked under the sign span; the reference is handed on under the bundle span
        assertThat(TraceHeaders.spanContext(headers.get(0)).getSpanId()).isEqualTo(sign.getSpanId());
        assertThat(TraceHeaders.spanContext(headers.get(1)).getSpanId()).isEqualTo(bundle.getSpanId());
        StoredBundle stored = world.store.find(refs.getFirst().bundleHash()).orElseThrow();
        assertThat(TraceHeaders.parse(stored.traceparent().orElseThrow()).getSpanId()).isEqualTo(bundle.getSpanId());

        Submitter submitter = new Submitter(world.faulty, world.faulty, world.store, world.clock,
                Fixture.fixedRandom(1), PublishWorld.SETTINGS, world.sleeper(), new PrometheusRegistry(), tracing);
        assertThat(submitter.submit(stored.bundleHash())).isInstanceOf(Submitter.Outcome.Revealed.class);
        SpanData submit = span("submit");
        assertThat(submit.getTraceId()).isEqualTo(btc.getTraceId());
        assertThat(submit.getParentSpanId()).isEqualTo(bundle.getSpanId());
        assertThat(span("commit").getParentSpanId()).isEqualTo(submit.getSpanId());
        assertThat(span("reveal").getParentSpanId()).isEqualTo(submit.getSpanId());

        List<Map<String, String>> announced = new CopyOnWriteArrayList<>();
        List<ServedValue> values = new CopyOnWriteArrayList<>();
        world.hub.subscribe(v -> {
            announced.add(TraceHeaders.current()); // what the app publishes on m0.published
            values.add(v);
        });
        new com.m0club.publish.reconcile.Reconciler(world.ledger, world.ledger, world.store, world.view,
                world.readModel, world.hub, world.clock, new PrometheusRegistry(), Optional.empty(), tracing).drain();
        List<SpanData> publishes = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("publish"))
                .toList();
        assertThat(publishes).hasSize(2).allSatisfy(p -> assertThat(p.getParentSpanId())
                .isEqualTo(bundle.getSpanId()));
        assertThat(announced).extracting(h -> TraceHeaders.spanContext(h).getSpanId())
                .containsExactlyInAnyOrderElementsOf(publishes.stream().map(SpanData::getSpanId).toList());
        assertThat(values).allSatisfy(v -> assertThat(v.traceId()).contains(btc.getTraceId()));
        assertThat(world.readModel.latest(Fixture.NBA).orElseThrow().traceId()).contains(btc.getTraceId());
    }

    @Test
    void untracedBundlesAreServedWithoutTraceIdAndAnnouncedWithoutSpans() throws Exception {
        PublishWorld world = world("untraced");
        var built = world.signed(1);
        Submitter submitter = new Submitter(world.faulty, world.faulty, world.store, world.clock,
                Fixture.fixedRandom(1), PublishWorld.SETTINGS, world.sleeper(), new PrometheusRegistry(), tracing);
        assertThat(submitter.submit(built.hash())).isInstanceOf(Submitter.Outcome.Revealed.class);
        new com.m0club.publish.reconcile.Reconciler(world.ledger, world.ledger, world.store, world.view,
                world.readModel, world.hub, world.clock, new PrometheusRegistry(), Optional.empty(), tracing).drain();
        assertThat(world.readModel.latest(Fixture.BTC).orElseThrow().traceId()).isEmpty();
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName).doesNotContain("publish");
    }
}
