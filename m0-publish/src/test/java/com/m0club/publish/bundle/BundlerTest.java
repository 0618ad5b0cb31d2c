package com.m0club.publish.bundle;

import static com.m0club.publish.support.Fixture.BTC_MARKET;
import static com.m0club.publish.support.Fixture.NBA_MARKET;
import static com.m0club.publish.support.Fixture.SET_ID;
import static com.m0club.publish.support.Fixture.T0;
import static com.m0club.publish.support.Fixture.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.publish.bundle.Bundler.Closed;
import com.m0club.publish.bundle.SignatureCollector.Collected;
import com.m0club.publish.store.MarketProblemStore;
import com.m0club.publish.store.PublishStore.StoredBundle;
import com.m0club.publish.support.Fixture;
import com.m0club.publish.support.PublishWorld;
import com.m0club.view.BundleRecord;
import com.m0club.view.PublishStatus;
import com.m0club.store.registry.SignerSetStore;
import com.m0club.store.sequence.SequenceAllocator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundler on a real PostgreSQL: a closed round is stored BUILT then SIGNED and its reference handed on; a missed
 * quorum stores it FAILED with the reason; a round key whose sequence is bound to another bundle retries under a new
 * sequence; a bundle left BUILT by a crashed run is signed on the next start. Round assembly is a test double over
 * bundle items (the engine is not on this module's classpath); everything else is real.
 */
class BundlerTest {
    private static final Duration ROUND = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private PublishWorld world;
    private SequenceAllocator sequences;
    private MarketProblemStore problems;
    private final List<BundleRef> handedOff = new CopyOnWriteArrayList<>();

    /** Items as the "outputs", sealed as they are: the round grid is the engine's (origin 0, key "set:start"). */
    static final class ItemAssembler implements RoundAssembler<BundleItem> {
        @Override
        public Round roundAt(long timeMs, Duration roundLength, long signerSetId) {
            long len = roundLength.toMillis();
            long start = Math.floorDiv(timeMs, len) * len;
            return new Round(start, start + len, signerSetId + ":" + start);
        }

        @Override
        public Optional<Bundle> assemble(List<BundleItem> outputs, long signerSetId, long sequence, Round round,
                long producedAtMs) {
            return outputs.isEmpty() ? Optional.empty() : Optional.of(Bundle.of(new BundleHeader(signerSetId,
                    sequence, round.startMs(), round.endMs(), producedAtMs), outputs));
        }
    }

    /** Signs with K1 and K2, as a 2-of-3 quorum of agents would. */
    static final SignatureCollector QUORUM = b -> new Collected.Signed(Fixture.sign(b, Fixture.K1, Fixture.K2));

    @BeforeEach
    void setUp() throws Exception {
        world = new PublishWorld(dir.resolve("ledger"));
        new SignerSetStore(world.db, world.clock).insert(Fixture.SET);
        sequences = new SequenceAllocator(world.db, world.clock);
        problems = new MarketProblemStore(world.jdbc);
        // mid-round: the round [T0, T0 + 5 s) ends before the first close
        world.clock.set(T0 + 7_000);
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    private Bundler<BundleItem> bundler(SignatureCollector collector, PrometheusRegistry registry) {
        return bundler(collector, registry, m -> true);
    }

    private Bundler<BundleItem> bundler(SignatureCollector collector, PrometheusRegistry registry,
            Predicate<MarketId> active) {
        return new Bundler<>(new ItemAssembler(), collector, handedOff::add, sequences, world.store, problems,
                SET_ID, ROUND, world.clock, active, registry);
    }

    private static RoundEntry<BundleItem> entry(Market market, long t) {
        BundleItem item = Fixture.item(market, t, 3);
        return new RoundEntry<>(market.id(), item.epochId(), item.tick(), Optional.empty(), item);
    }

    private void offerBoth(Bundler<BundleItem> bundler) {
        bundler.offer(entry(BTC_MARKET, T0 + 1_000));
        bundler.offer(entry(NBA_MARKET, T0 + 1_000));
    }

    private StoredBundle stored(BundleRef ref) {
        return world.store.find(ref.bundleHash()).orElseThrow();
    }

    private static List<PublishStatus> statuses(StoredBundle b) {
        return b.record().transitions().stream().map(BundleRecord.Transition::status).toList();
    }

    private Optional<String> problemOf(MarketId market) {
        return world.jdbc.queryOne("test.problem", "SELECT problem FROM market_problems WHERE market_id = ?",
                rs -> rs.getString(1), market.value());
    }

    @Test
    void aClosedRoundIsStoredBuiltThenSignedAndItsReferenceHandedOn() throws Exception {
        PrometheusRegistry metrics = new PrometheusRegistry();
        Bundler<BundleItem> bundler = bundler(QUORUM, metrics);
        offerBoth(bundler);

        Closed closed = bundler.closeRound();

        assertThat(closed).isInstanceOf(Closed.Signed.class);
        BundleRef ref = ((Closed.Signed) closed).ref();
        assertThat(ref.signerSetId()).isEqualTo(SET_ID);
        assertThat(ref.sequence()).isEqualTo(1);
        assertThat(handedOff).containsExactly(ref);
        StoredBundle b = stored(ref);
        assertThat(b.status()).isEqualTo(PublishStatus.SIGNED);
        assertThat(statuses(b)).containsExactly(PublishStatus.BUILT, PublishStatus.SIGNED);
        assertThat(b.record().roundStartMs()).isEqualTo(T0);
        assertThat(b.record().roundEndMs()).isEqualTo(T0 + 5_000);
        SignedBundle signed = BundleCodec.decodeSigned(b.record().signedBundleBytes().orElseThrow());
        assertThat(signed.bundle().bundleHash()).isEqualTo(ref.bundleHash());
        assertThat(signed.bundle().bundle().items()).extracting(BundleItem::marketId)
                .containsExactly(BTC_MARKET.id(), NBA_MARKET.id());
        assertThat(sequences.find(SET_ID, SET_ID + ":" + T0).orElseThrow().bundleHash()).contains(ref.bundleHash());
        assertThat(counter(metrics, "m0_bundler_rounds_total", "outcome", "signed")).isEqualTo(1);

        // the same round does not close twice, and an empty round spends no sequence
        assertThat(bundler.closeRound()).isInstanceOf(Closed.NothingPending.class);
        world.clock.advance(5_000);
        assertThat(bundler.closeRound()).isInstanceOf(Closed.NothingPending.class);
        assertThat(sequences.lastSequence(SET_ID)).isEqualTo(1);
    }

    @Test
    void aMissedQuorumStoresTheBundleFailedWithTheReason() throws Exception {
        PrometheusRegistry metrics = new PrometheusRegistry();
        Bundler<BundleItem> bundler = bundler(b -> new Collected.QuorumNotReached("1 of 3 valid, threshold 2"),
                metrics);
        offerBoth(bundler);

        Closed closed = bundler.closeRound();

        assertThat(closed).isInstanceOf(Closed.QuorumFailed.class);
        Closed.QuorumFailed failed = (Closed.QuorumFailed) closed;
        String reason = "signer quorum not reached: 1 of 3 valid, threshold 2";
        assertThat(failed.reason()).isEqualTo(reason);
        StoredBundle b = stored(failed.ref());
        assertThat(b.status()).isEqualTo(PublishStatus.FAILED);
        assertThat(statuses(b)).containsExactly(PublishStatus.BUILT, PublishStatus.FAILED);
        assertThat(b.record().transitions().getLast().reason()).contains(reason);
        assertThat(handedOff).isEmpty();
        assertThat(problemOf(BTC_MARKET.id())).contains(reason);
        assertThat(problemOf(NBA_MARKET.id())).contains(reason);
        assertThat(counter(metrics, "m0_bundler_rounds_total", "outcome", "quorum_failed")).isEqualTo(1);
        // FAILED is terminal: nothing to resume
        assertThat(bundler.resume()).isEmpty();
    }

    @Test
    void aRoundKeyWhoseSequenceIsBoundToAnotherBundleRetriesUnderANewSequence() throws Exception {
        // a run that crashed after allocating and binding the round's sequence to other outputs
        long burned = sequences.allocate(SET_ID, SET_ID + ":" + T0);
        byte[] other = new byte[32];
        Arrays.fill(other, (byte) 7);
        sequences.bindHash(SET_ID, burned, Hash32.of(other));
        Bundler<BundleItem> bundler = bundler(QUORUM, new PrometheusRegistry());
        offerBoth(bundler);

        Closed closed = bundler.closeRound();

        assertThat(closed).isInstanceOf(Closed.Signed.class);
        BundleRef ref = ((Closed.Signed) closed).ref();
        assertThat(ref.sequence()).isEqualTo(burned + 1);
        assertThat(sequences.find(SET_ID, SET_ID + ":" + T0 + "#1").orElseThrow().sequence()).isEqualTo(burned + 1);
        assertThat(stored(ref).record().sequence()).isEqualTo(burned + 1);
        assertThat(world.store.findBySequence(SET_ID, burned)).isEmpty();
        assertThat(handedOff).containsExactly(ref);
    }

    @Test
    void aBundleLeftBuiltByACrashedRunIsSignedOnTheNextStart() throws Exception {
        Bundler<BundleItem> crashed = bundler(b -> {
            throw new IllegalStateException("agents unreachable");
        }, new PrometheusRegistry());
        offerBoth(crashed);
        assertThatThrownBy(crashed::closeRound).hasMessageContaining("agents unreachable");
        StoredBundle built = world.store.findBySequence(SET_ID, 1).orElseThrow();
        assertThat(built.status()).isEqualTo(PublishStatus.BUILT);
        assertThat(handedOff).isEmpty();

        PrometheusRegistry restarted = new PrometheusRegistry();
        Bundler<BundleItem> next = bundler(QUORUM, restarted);
        List<Closed> resumed = next.resume();

        BundleRef ref = new BundleRef(SET_ID, 1, built.bundleHash());
        assertThat(resumed).containsExactly(new Closed.Signed(ref));
        assertThat(stored(ref).status()).isEqualTo(PublishStatus.SIGNED);
        assertThat(statuses(stored(ref))).containsExactly(PublishStatus.BUILT, PublishStatus.SIGNED);
        assertThat(handedOff).containsExactly(ref);
        assertThat(next.resume()).isEmpty();
        assertThat(counter(restarted, "m0_bundler_rounds_total", "outcome", "signed")).isEqualTo(1);
    }

    @Test
    void outputsOfInactiveMarketsOrBlockedByGuardrailsAreRecordedNotPublished() throws Exception {
        Bundler<BundleItem> bundler = bundler(QUORUM, new PrometheusRegistry(), m -> !m.equals(NBA_MARKET.id()));
        BundleItem btc = Fixture.item(BTC_MARKET, T0 + 1_000, 3);
        bundler.offer(new RoundEntry<>(BTC_MARKET.id(), btc.epochId(), btc.tick(), Optional.of("spread too wide"),
                btc));
        bundler.offer(entry(NBA_MARKET, T0 + 1_000));

        assertThat(bundler.closeRound()).isInstanceOf(Closed.NothingPending.class);
        assertThat(problemOf(BTC_MARKET.id())).contains("blocked by guardrails: spread too wide");
        assertThat(problemOf(NBA_MARKET.id())).contains("market is not ACTIVE: not published");
        assertThat(sequences.lastSequence(SET_ID)).isZero();
    }

    @Test
    void theLatestOutputOfAMarketWinsWithinARound() throws Exception {
        Bundler<BundleItem> bundler = bundler(QUORUM, new PrometheusRegistry());
        bundler.offer(entry(BTC_MARKET, T0 + 6_000));
        bundler.offer(entry(BTC_MARKET, T0 + 1_000)); // an earlier tick arriving late is ignored

        Closed closed = bundler.closeRound();

        BundleRef ref = ((Closed.Signed) closed).ref();
        BundleItem item = BundleCodec.decode(stored(ref).record().bundleBytes()).bundle().items().getFirst();
        assertThat(item.tick()).isEqualTo(Fixture.item(BTC_MARKET, T0 + 6_000, 3).tick());
    }
}
