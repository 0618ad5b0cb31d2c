package com.m0club.chain.local;

import com.m0club.protocol.testing.ManualClock;
import static com.m0club.chain.local.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.chain.EpochStatus;
import com.m0club.chain.LedgerRejection;
import com.m0club.chain.MarketValue;
import com.m0club.protocol.sign.SignerSetStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 item 10: the ledger state is bounded. At each snapshot the state of finalized epochs and their bundles
 * older than {@code ledger_retention_hours} is pruned, while what the rules need stays: the set's last accepted
 * sequence (an old sequence is still refused), each market's latest value and newest finalized epoch, the registry.
 * Reopening rebuilds exactly the pruned state, and the snapshot size stops growing with the length of the history.
 */
class StatePruningTest {
    private static final long HOUR = 3_600_000;
    /** Bundles per hour: one every five minutes, each with an item for both markets. */
    private static final int PER_HOUR = 12;

    @TempDir
    Path dir;

    private static LocalLedger open(Path dir, ManualClock clock, long every, long retentionHours) throws IOException {
        return Fixture.openCompacting(dir, clock, every, retentionHours);
    }

    /** {@code hours} hours of bundles from T0, finalizing every epoch as soon as it is due. */
    private static List<Harness.Prepared> history(LocalLedger ledger, ManualClock clock, int hours) {
        ledger.registerSignerSet(Fixture.set1(SignerSetStatus.ACTIVE));
        ledger.registerMarket(Fixture.nba());
        ledger.registerMarket(Fixture.btc());
        List<Harness.Prepared> out = new ArrayList<>();
        int seq = 0;
        for (int h = 0; h < hours; h++) {
            for (int i = 0; i < PER_HOUR; i++) {
                seq++;
                clock.set(T0 + h * HOUR + i * (HOUR / PER_HOUR) + 1_000);
                long now = clock.millis();
                var b = Fixture.bundle(1, seq, now, List.of(Fixture.item(Fixture.nba(), now),
                        Fixture.item(Fixture.btc(), now)));
                byte[] salt = Fixture.salt(seq);
                Harness.Prepared p = new Harness.Prepared(b, Fixture.sign(b, Fixture.K1, Fixture.K2), salt,
                        Fixture.commitHash(b, salt));
                ledger.commit(p.commitHash(), 1, seq);
                clock.advance(SlotClock.SLOT_MS);
                ledger.reveal(p.signed(), p.salt());
                ledger.dueForFinalization().forEach(e -> ledger.finalizeEpoch(e.market(), e.epochId()));
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void pruningKeepsTheHighWaterMarkAndTheLatestValueAndDropsOldBundles() throws IOException {
        ManualClock clock = new ManualClock(T0);
        List<Harness.Prepared> bundles;
        MarketValue latestNba;
        try (LocalLedger l = open(dir, clock, 10, 1)) {
            bundles = history(l, clock, 6);
            latestNba = l.latest(Fixture.NBA).orElseThrow();
        }
        int n = bundles.size();
        long firstEpoch = T0 / HOUR;
        long newestFinalized = T0 / HOUR + 4; // epoch 5 (0-based) ends with the history, not yet finalizable
        try (LocalLedger l = open(dir, clock, 10, 1)) {
            Harness.Prepared first = bundles.getFirst();
            // old bundles and epochs are beyond the retention: empty
            assertThat(l.commitment(first.commitHash())).isEmpty();
            assertThat(l.revealedBundle(first.bundle().bundleHash())).isEmpty();
            assertThat(l.epoch(Fixture.NBA, firstEpoch)).isEmpty();
            // what the rules need stays
            assertThat(l.lastSequence(1)).isEqualTo(n);
            assertThat(l.latest(Fixture.NBA)).contains(latestNba);
            assertThat(l.epoch(Fixture.NBA, newestFinalized).orElseThrow().status())
                    .isEqualTo(EpochStatus.FINALIZED);
            assertThat(l.revealedBundle(bundles.getLast().bundle().bundleHash())).isPresent();
            assertThat(l.signerSet(1)).isPresent();
            assertThat(l.market(Fixture.BTC)).isPresent();
            // the high-water mark refuses an old sequence, for the pruned commitment and for a new one
            assertThatThrownBy(() -> l.commit(first.commitHash(), 1, 1)).isInstanceOf(LedgerRejection.class)
                    .extracting(e -> ((LedgerRejection) e).reason())
                    .isEqualTo(LedgerRejection.Reason.SEQUENCE_NOT_INCREASING);
            var replay = Fixture.commitHash(bundles.get(1).bundle(), Fixture.salt(999));
            assertThatThrownBy(() -> l.commit(replay, 1, 2)).isInstanceOf(LedgerRejection.class)
                    .extracting(e -> ((LedgerRejection) e).reason())
                    .isEqualTo(LedgerRejection.Reason.SEQUENCE_NOT_INCREASING);
            // a pruned epoch stays closed: an item for it is refused as finalized
            clock.advance(5_000);
            long now = clock.millis();
            var old = Fixture.bundle(1, n + 1, now, List.of(Fixture.item(Fixture.nba(), T0 + 1_000)));
            byte[] salt = Fixture.salt(n + 1);
            l.commit(Fixture.commitHash(old, salt), 1, n + 1);
            clock.advance(SlotClock.SLOT_MS);
            assertThatThrownBy(() -> l.reveal(Fixture.sign(old, Fixture.K1, Fixture.K2), salt))
                    .isInstanceOf(LedgerRejection.class).extracting(e -> ((LedgerRejection) e).reason())
                    .isEqualTo(LedgerRejection.Reason.EPOCH_FINALIZED);
        }
    }

    @Test
    void reopenAfterPruningIsIdentical() throws IOException {
        ManualClock clock = new ManualClock(T0);
        byte[] live;
        try (LocalLedger l = open(dir, clock, 1, 1)) { // a snapshot (and a prune) after every record
            List<Harness.Prepared> bundles = history(l, clock, 4);
            live = l.canonicalState();
            assertThat(l.commitment(bundles.getFirst().commitHash())).isEmpty();
        }
        try (LocalLedger l = open(dir, clock, 1, 1)) {
            assertThat(SnapshotCompactionTest.hex(l.canonicalState())).isEqualTo(SnapshotCompactionTest.hex(live));
        }
    }

    @Test
    void aReplayFromTheOlderSnapshotPrunesAtTheSamePoints() throws IOException {
        ManualClock clock = new ManualClock(T0);
        try (LocalLedger l = open(dir, clock, 10, 1)) {
            history(l, clock, 4);
        }
        byte[] fromNewest;
        try (LocalLedger l = open(dir, clock, 10, 1)) {
            fromNewest = l.canonicalState();
        }
        List<Path> snapshots;
        try (var s = Files.list(dir)) {
            snapshots = s.filter(p -> p.getFileName().toString().startsWith("snapshot-")).sorted().toList();
        }
        assertThat(snapshots).hasSizeGreaterThanOrEqualTo(2);
        byte[] b = Files.readAllBytes(snapshots.getLast());
        b[b.length / 2] ^= 1;
        Files.write(snapshots.getLast(), b);
        try (LocalLedger l = open(dir, clock, 0, 1)) { // no close-time snapshot: read only
            assertThat(SnapshotCompactionTest.hex(l.canonicalState()))
                    .isEqualTo(SnapshotCompactionTest.hex(fromNewest));
        }
    }

    @Test
    void theSnapshotStopsGrowingWithHistory() throws IOException {
        long shortPruned = newestSnapshotBytes("short", 3, 1);
        long longPruned = newestSnapshotBytes("long", 30, 1);
        long longKept = newestSnapshotBytes("kept", 30, 10_000);
        // ten times the finalized history gives about the same snapshot once it is pruned
        assertThat((double) longPruned).isBetween(shortPruned * 0.8, shortPruned * 1.25);
        // without pruning it grows with the history
        assertThat(longKept).isGreaterThan(longPruned * 5);
    }

    private long newestSnapshotBytes(String name, int hours, long retentionHours) throws IOException {
        Path d = Files.createDirectory(dir.resolve(name));
        ManualClock clock = new ManualClock(T0);
        try (LocalLedger l = open(d, clock, 50, retentionHours)) {
            history(l, clock, hours);
        }
        List<LedgerSnapshot.Named> snaps = LedgerSnapshot.list(d);
        return Files.size(snaps.getFirst().file());
    }
}
