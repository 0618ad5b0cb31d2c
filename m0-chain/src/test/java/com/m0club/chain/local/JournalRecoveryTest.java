package com.m0club.chain.local;

import com.m0club.protocol.testing.ManualClock;
import static com.m0club.chain.local.Fixture.BTC;
import static com.m0club.chain.local.Fixture.NBA;
import static com.m0club.chain.local.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.chain.Ledger;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerSetStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restart from the journal: identical state, torn tails truncated, damage in the middle refused with its offset. */
class JournalRecoveryTest {
    @TempDir
    Path dir;

    /** Everything a reader can see, for comparing two ledgers. */
    record Snapshot(Object events, Object latest, Object epochs, Object sequences, Object sets, Object markets,
            Object commitments) {}

    static Snapshot snapshot(Ledger l, List<Harness.Prepared> bundles) {
        long epoch = T0 / 3_600_000;
        List<Object> epochs = new ArrayList<>();
        List<Object> latest = new ArrayList<>();
        for (MarketId m : List.of(NBA, BTC)) {
            latest.add(l.latest(m));
            for (long e = epoch - 1; e <= epoch + 2; e++) {
                epochs.add(l.epoch(m, e));
            }
        }
        List<Object> commitments = new ArrayList<>();
        for (Harness.Prepared p : bundles) {
            commitments.add(l.commitment(p.commitHash()));
            commitments.add(l.revealedBundle(p.bundle().bundleHash()).map(r -> r.receipt()));
        }
        return new Snapshot(l.events(0, Integer.MAX_VALUE), latest, epochs,
                List.of(l.lastSequence(1), l.lastSequence(2)), List.of(l.signerSet(1), l.signerSet(2)),
                List.of(l.market(NBA), l.market(BTC)), commitments);
    }

    /** Sets, a rotation, a pause, commits, reveals, an epoch finalized, one commitment left pending. */
    static List<Harness.Prepared> history(Harness h) {
        List<Harness.Prepared> bundles = new ArrayList<>();
        h.ledger.registerSignerSet(Fixture.set2(SignerSetStatus.PENDING));
        for (int seq = 1; seq <= 3; seq++) {
            h.clock.advance(5_000);
            Harness.Prepared p = h.prepare(seq);
            h.publish(p);
            bundles.add(p);
        }
        h.ledger.setMarketStatus(BTC, MarketStatus.PAUSED);
        h.clock.set(T0 + 3_600_000 + 120_000);
        h.ledger.finalizeEpoch(NBA, T0 / 3_600_000);
        Harness.Prepared pending = h.prepare(4);
        h.commit(pending);
        bundles.add(pending);
        return bundles;
    }

    @Test
    void reopenRebuildsTheSameState() throws Exception {
        try (Harness h = new Harness(dir)) {
            List<Harness.Prepared> bundles = history(h);
            Snapshot before = snapshot(h.ledger, bundles);
            long slot = h.ledger.currentSlot();
            long events = h.ledger.nextEventIndex();
            h.reopen();
            assertThat(snapshot(h.ledger, bundles)).isEqualTo(before);
            assertThat(h.local.genesisMs()).isEqualTo(T0);
            assertThat(h.ledger.currentSlot()).isEqualTo(slot);
            // The reopened ledger goes on where it stopped: the pending commitment can be revealed.
            h.clock.advance(400);
            h.ledger.setMarketStatus(BTC, MarketStatus.ACTIVE);
            h.reveal(bundles.get(3));
            assertThat(h.ledger.lastSequence(1)).isEqualTo(4);
            assertThat(h.ledger.nextEventIndex()).isEqualTo(events + 3);
            h.ledger.activateSignerSet(2);
            Snapshot after = snapshot(h.ledger, bundles);
            h.reopen();
            assertThat(snapshot(h.ledger, bundles)).isEqualTo(after);
        }
    }

    @Test
    void aTornTailIsTruncatedWithAWarning() throws Exception {
        Snapshot before;
        List<Harness.Prepared> bundles;
        try (Harness h = new Harness(dir)) {
            bundles = history(h);
            before = snapshot(h.ledger, bundles);
        }
        Path journal = dir.resolve(LocalLedger.JOURNAL_FILE);
        long intact = Files.size(journal);
        // A crash mid-write: a frame header that promises more bytes than were written.
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer torn = ByteBuffer.allocate(20);
            torn.putInt(500).putInt(123);
            torn.putInt(Journal.crc32c(torn.array(), 0, 8)).putLong(42).flip();
            ch.write(torn);
        }
        ManualClock clock = new ManualClock(T0 + 4_000_000);
        PrometheusRegistry registry = new PrometheusRegistry();
        try (LocalLedger l = Fixture.open(dir, clock, registry)) {
            assertThat(snapshot(l, bundles)).isEqualTo(before);
            assertThat(Files.size(journal)).isEqualTo(intact);
            assertThat(Fixture.counter(registry, "m0_ledger_journal_torn_tail")).isEqualTo(1);
            l.setMarketStatus(BTC, MarketStatus.ACTIVE); // appends after the cut
        }
        // A zero-filled tail (file extended, data never written) and a last frame cut inside its payload.
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.allocate(64));
        }
        try (LocalLedger l = Fixture.open(dir, clock)) {
            assertThat(l.market(BTC).orElseThrow().status()).isEqualTo(MarketStatus.ACTIVE);
        }
        // issue 6 item 3: the last frame was acknowledged (the status change returned), so a cut into it is restored
        // from the acknowledgement marker instead of dropping the record.
        long withStatus = Files.size(journal);
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        try (LocalLedger l = Fixture.open(dir, clock)) {
            assertThat(l.market(BTC).orElseThrow().status()).isEqualTo(MarketStatus.ACTIVE);
            assertThat(Files.size(journal)).isEqualTo(withStatus);
        }
    }

    @Test
    void aLastFrameWithABadChecksumIsTorn() throws Exception {
        List<Harness.Prepared> bundles;
        Snapshot before;
        long lastFrame;
        try (Harness h = new Harness(dir)) {
            bundles = history(h);
            before = snapshot(h.ledger, bundles);
            lastFrame = Files.size(dir.resolve(LocalLedger.JOURNAL_FILE));
            h.ledger.setMarketStatus(BTC, MarketStatus.ACTIVE);
        }
        long withStatus = Files.size(dir.resolve(LocalLedger.JOURNAL_FILE));
        flip(dir.resolve(LocalLedger.JOURNAL_FILE), withStatus - 2);
        // issue 6 item 3: that last frame was acknowledged; it is restored from the acknowledgement marker
        try (LocalLedger l = Fixture.open(dir, new ManualClock(T0))) {
            assertThat(snapshot(l, bundles)).isNotEqualTo(before);
            assertThat(l.market(BTC).orElseThrow().status()).isEqualTo(MarketStatus.ACTIVE);
            assertThat(Files.size(dir.resolve(LocalLedger.JOURNAL_FILE))).isEqualTo(withStatus);
            assertThat(lastFrame).isLessThan(withStatus);
        }
    }

    @Test
    void corruptionInTheMiddleIsAnErrorNamingTheOffset() throws Exception {
        try (Harness h = new Harness(dir)) {
            history(h);
        }
        Path journal = dir.resolve(LocalLedger.JOURNAL_FILE);
        long secondFrame = frameOffsets(journal).get(1);
        byte[] original = Files.readAllBytes(journal);

        // A flipped bit in a payload.
        flip(journal, secondFrame + Journal.FRAME_HEADER_LENGTH + 10);
        long at = secondFrame;
        assertThatThrownBy(() -> Fixture.open(dir, new ManualClock(T0)))
                .isInstanceOfSatisfying(JournalCorruptedException.class, e -> assertThat(e.offset()).isEqualTo(at))
                .hasMessageContaining("offset " + secondFrame).hasMessageContaining("checksum");

        // A flipped bit in a frame length: never mistaken for a torn tail, so nothing after it is cut.
        Files.write(journal, original);
        flip(journal, secondFrame + 2);
        assertThatThrownBy(() -> Fixture.open(dir, new ManualClock(T0)))
                .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("offset " + secondFrame)
                .hasMessageContaining("header of frame #2");
        assertThat(Files.size(journal)).isEqualTo(original.length);

        // A damaged file header.
        Files.write(journal, original);
        flip(journal, 13);
        assertThatThrownBy(() -> Fixture.open(dir, new ManualClock(T0)))
                .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("offset 0");

        // The lock was released after each failed open.
        Files.write(journal, original);
        try (LocalLedger l = Fixture.open(dir, new ManualClock(T0))) {
            assertThat(l.lastSequence(1)).isEqualTo(3);
        }
    }

    static List<Long> frameOffsets(Path journal) throws IOException {
        byte[] b = Files.readAllBytes(journal);
        List<Long> offsets = new ArrayList<>();
        int pos = Journal.HEADER_LENGTH;
        while (pos < b.length) {
            offsets.add((long) pos);
            pos += Journal.FRAME_HEADER_LENGTH + ByteBuffer.wrap(b, pos, 4).getInt();
        }
        return offsets;
    }

    static void flip(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x10));
            one.rewind();
            ch.write(one, offset);
        }
    }
}
