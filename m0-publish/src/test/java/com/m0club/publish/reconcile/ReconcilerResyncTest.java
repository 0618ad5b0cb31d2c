package com.m0club.publish.reconcile;

import static com.m0club.publish.support.Fixture.BTC;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.chain.local.LocalLedger;
import com.m0club.publish.submit.Submitter;
import com.m0club.publish.support.Fixture;
import com.m0club.publish.support.PublishWorld;
import com.m0club.publish.support.PublishWorld.Built;
import com.m0club.view.PublishStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 item 10: a reconciler whose cursor is older than the ledger's oldest kept event (the ledger reopened from a
 * snapshot, or its bounded event window moved on) does not loop on the expired events: it logs once, counts
 * {@code m0_reconciler_resyncs_total}, rebuilds what it missed from the ledger's state and goes on from the oldest
 * kept event.
 */
class ReconcilerResyncTest {
    @TempDir
    Path dir;
    private PublishWorld world;
    private LocalLedger restarted;

    @AfterEach
    void tearDown() {
        if (restarted != null) {
            restarted.close();
        }
        world.close();
    }

    private LocalLedger open(Path ledgerDir) throws IOException {
        return LocalLedger.builder(ledgerDir).clock(world.clock).registry(new PrometheusRegistry())
                .snapshotEveryRecords(1_000).open();
    }

    @Test
    void aCursorBehindTheOldestKeptEventResynchronisesFromTheLedgerState() throws Exception {
        world = new PublishWorld(dir.resolve("ledger"));
        Submitter submitter = world.submitter(world.registry, 1);
        Built last = null;
        for (long seq = 1; seq <= 3; seq++) {
            world.clock.advance(5_000);
            last = world.signed(seq);
            assertThat(submitter.submit(last.hash())).isInstanceOf(Submitter.Outcome.Revealed.class);
        }
        // the reconciler never ran; the ledger restarts from a snapshot covering every event (one more record, a
        // pending signer set, is the snapshot point: the ledger snapshots periodically, not at close)
        world.ledger.close();
        try (LocalLedger snapshotting = LocalLedger.builder(dir.resolve("ledger")).clock(world.clock)
                .registry(new PrometheusRegistry()).snapshotEveryRecords(1).open()) {
            snapshotting.registerSignerSet(com.m0club.protocol.sign.SignerSet.builder().id(2)
                    .threshold(Fixture.SET.threshold()).keys(Fixture.SET.keys())
                    .status(com.m0club.protocol.sign.SignerSetStatus.PENDING).activationMs(Long.MAX_VALUE / 2)
                    .build());
        }
        restarted = open(dir.resolve("ledger"));
        assertThat(restarted.oldestEventIndex()).isEqualTo(restarted.nextEventIndex()).isPositive();

        PrometheusRegistry metrics = new PrometheusRegistry();
        Reconciler reconciler = new Reconciler(restarted, restarted, world.store, world.view, world.readModel, world.hub,
                world.clock, metrics);
        assertThat(reconciler.poll(512)).isZero();
        assertThat(reconciler.poll(512)).isZero();

        assertThat(com.m0club.publish.support.Fixture.counter(metrics, "m0_reconciler_resyncs_total")).isEqualTo(1);
        assertThat(world.view.cursor(Reconciler.CONSUMER)).isEqualTo(restarted.oldestEventIndex());
        assertThat(world.store.find(last.hash()).orElseThrow().status()).isEqualTo(PublishStatus.REVEALED);
        assertThat(world.readModel.latest(BTC).orElseThrow().bundleHash()).isEqualTo(last.hash());
    }
}
