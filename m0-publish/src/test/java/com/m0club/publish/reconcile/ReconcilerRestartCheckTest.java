package com.m0club.publish.reconcile;

import static com.m0club.publish.support.Fixture.BTC;
import static com.m0club.publish.support.Fixture.NBA;
import static com.m0club.publish.support.Fixture.T0;
import static com.m0club.publish.support.Fixture.counter;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.chain.local.LocalLedger;
import com.m0club.protocol.id.MarketId;
import com.m0club.publish.submit.Submitter;
import com.m0club.publish.support.Fixture;
import com.m0club.publish.support.PublishWorld;
import com.m0club.publish.support.PublishWorld.Built;
import com.m0club.view.PublishStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 item 3: after a restart the reconciler compares what PostgreSQL says is on the ledger with the ledger. Here
 * the ledger lost an acknowledged reveal (its journal was cut by the operator's recovery): the bundle that was
 * FINALIZED in PostgreSQL and served is reported (metric, MISMATCH or problem, ERROR log) and no longer served.
 */
class ReconcilerRestartCheckTest {
    private static final String MISMATCHES = "m0_reconciler_mismatches_total";
    private static final long E = Fixture.SCHEDULE.epochAt(T0).id();

    @TempDir
    Path dir;
    private PublishWorld world;
    private Submitter submitter;
    private LocalLedger restarted;

    @BeforeEach
    void setUp() throws IOException {
        world = new PublishWorld(dir.resolve("ledger"));
        submitter = world.submitter(world.registry, 1);
    }

    @AfterEach
    void tearDown() {
        if (restarted != null) {
            restarted.close();
        }
        world.close();
    }

    private Built publish(long sequence) throws InterruptedException {
        Built b = world.signed(sequence);
        assertThat(submitter.submit(b.hash())).isInstanceOf(Submitter.Outcome.Revealed.class);
        return b;
    }

    private static List<Long> frameOffsets(Path journal) throws IOException {
        byte[] b = Files.readAllBytes(journal);
        List<Long> offsets = new ArrayList<>();
        int pos = 24;
        while (pos < b.length) {
            offsets.add((long) pos);
            pos += 12 + ByteBuffer.wrap(b, pos, 4).getInt();
        }
        return offsets;
    }

    @Test
    void aLostAcknowledgedRevealIsReportedAndNoLongerServed() throws Exception {
        Reconciler reconciler = world.reconciler(new PrometheusRegistry());
        Built b1 = publish(1);
        world.clock.advance(5_000);
        Built b2 = publish(2);
        reconciler.drain();
        world.clock.set(Fixture.SCHEDULE.epoch(E).endMs() + Fixture.TIMING.finalizationDelayMs());
        assertThat(submitter.finalizeDue()).isEqualTo(2);
        Built b3 = publish(3); // epoch E + 1, stays REVEALED
        reconciler.drain();
        assertThat(world.store.find(b2.hash()).orElseThrow().status()).isEqualTo(PublishStatus.FINALIZED);
        assertThat(world.readModel.epochValue(BTC, E).orElseThrow().bundleHash()).isEqualTo(b2.hash());
        assertThat(world.readModel.latest(BTC).orElseThrow().bundleHash()).isEqualTo(b3.hash());

        // an intact restart: nothing to report
        PrometheusRegistry intactMetrics = new PrometheusRegistry();
        Reconciler.StartupCheck intact = world.reconciler(intactMetrics).checkAgainstLedger();
        assertThat(intact.checked()).isEqualTo(3);
        assertThat(intact.missing()).isEmpty();
        assertThat(counter(intactMetrics, MISMATCHES, "kind", "missing_on_ledger")).isZero();

        // the ledger loses everything from b2's reveal on (reveal 2, two finalizations, commit 3, reveal 3)
        world.ledger.close();
        Path ledgerDir = dir.resolve("ledger");
        List<Long> frames = frameOffsets(ledgerDir.resolve("journal.m0l"));
        LocalLedger.recoverTruncateAt(ledgerDir, frames.get(frames.size() - 5));
        restarted = LocalLedger.builder(ledgerDir).clock(world.clock).registry(new PrometheusRegistry()).open();
        assertThat(restarted.revealedBundle(b2.hash())).isEmpty();
        assertThat(restarted.revealedBundle(b1.hash())).isPresent();

        PrometheusRegistry metrics = new PrometheusRegistry();
        Reconciler after = new Reconciler(restarted, restarted, world.store, world.view, world.readModel, world.hub,
                world.clock, metrics);
        Reconciler.StartupCheck check = after.checkAgainstLedger();

        assertThat(check.missing()).containsExactlyInAnyOrder(b2.hash(), b3.hash());
        assertThat(check.cursorAhead()).isTrue();
        assertThat(counter(metrics, MISMATCHES, "kind", "missing_on_ledger")).isEqualTo(2);
        assertThat(counter(metrics, MISMATCHES, "kind", "cursor_ahead")).isEqualTo(1);
        // FINALIZED is terminal: the state stays, the problem is recorded; REVEALED becomes MISMATCH
        var stored2 = world.store.find(b2.hash()).orElseThrow();
        assertThat(stored2.status()).isEqualTo(PublishStatus.FINALIZED);
        assertThat(stored2.record().problem()).hasValueSatisfying(p -> assertThat(p).contains("no reveal"));
        assertThat(world.store.find(b3.hash()).orElseThrow().status()).isEqualTo(PublishStatus.MISMATCH);
        assertThat(world.store.find(b1.hash()).orElseThrow().status()).isEqualTo(PublishStatus.FINALIZED);
        // nothing the ledger does not back is served
        for (MarketId m : List.of(BTC, NBA)) {
            world.readModel.latest(m).ifPresent(v -> assertThat(v.bundleHash()).isNotIn(b2.hash(), b3.hash()));
            world.readModel.epochValue(m, E).ifPresent(v -> assertThat(v.bundleHash()).isNotEqualTo(b2.hash()));
            world.readModel.epochValue(m, E + 1).ifPresent(v -> assertThat(v.bundleHash()).isNotEqualTo(b3.hash()));
        }
        assertThat(world.jdbc.query("test.problems", "SELECT market_id FROM market_problems ORDER BY market_id",
                rs -> rs.getString(1))).containsExactly(BTC.value(), NBA.value());
        // the cursor now follows the restarted ledger's events
        assertThat(world.view.cursor(Reconciler.CONSUMER)).isEqualTo(restarted.nextEventIndex());
    }

    @Test
    void aFinalizedBundleBeyondTheLedgersRetentionIsNotAMismatch() throws Exception {
        Reconciler reconciler = world.reconciler(new PrometheusRegistry());
        Built b1 = publish(1);
        reconciler.drain();
        world.clock.set(Fixture.SCHEDULE.epoch(E).endMs() + Fixture.TIMING.finalizationDelayMs());
        assertThat(submitter.finalizeDue()).isEqualTo(2);
        Built b2 = publish(2); // epoch E + 1, stays REVEALED
        reconciler.drain();
        assertThat(world.store.find(b1.hash()).orElseThrow().status()).isEqualTo(PublishStatus.FINALIZED);

        // a ledger that pruned everything (here: one that never held it), two hours after b1's round
        restarted = LocalLedger.builder(dir.resolve("pruned")).clock(world.clock)
                .registry(new PrometheusRegistry()).open();
        world.clock.advance(2 * 3_600_000L);
        PrometheusRegistry metrics = new PrometheusRegistry();
        List<com.m0club.view.Withdrawal> withdrawn = new java.util.concurrent.CopyOnWriteArrayList<>();
        world.hub.subscribeWithdrawals(withdrawn::add);
        Reconciler.StartupCheck check = new Reconciler(restarted, restarted, world.store, world.view, world.readModel,
                world.hub, world.clock, metrics, java.util.Optional.of(java.time.Duration.ofHours(1)))
                .checkAgainstLedger();

        // the FINALIZED bundle older than the retention is skipped; the REVEALED one is still a mismatch
        assertThat(check.missing()).containsExactly(b2.hash());
        assertThat(counter(metrics, MISMATCHES, "kind", "missing_on_ledger")).isEqualTo(1);
        assertThat(world.store.find(b1.hash()).orElseThrow().record().problem()).isEmpty();
        // the withdrawal is announced on the feed, so the API's memory stops serving b2's values too
        assertThat(withdrawn).isNotEmpty().allSatisfy(w -> assertThat(w.bundleHash()).isEqualTo(b2.hash()));
    }
}
