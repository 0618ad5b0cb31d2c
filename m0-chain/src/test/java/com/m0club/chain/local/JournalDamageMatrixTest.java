package com.m0club.chain.local;

import com.m0club.protocol.testing.ManualClock;
import static com.m0club.chain.local.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.chain.local.JournalRecoveryTest.Snapshot;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6 item 3: the journal-damage matrix. The history ends with an acknowledged reveal; every kind of damage to
 * the journal either refuses the open (naming the file, the offset and the runbook) or provably loses nothing that
 * was acknowledged: the reopened ledger is identical to the one before the damage.
 */
class JournalDamageMatrixTest {
    @TempDir
    Path dir;

    private List<Harness.Prepared> bundles;
    private Snapshot before;
    private Path journal;

    /** A history whose last record is an acknowledged reveal (sequence 4). */
    private void build() throws IOException {
        try (Harness h = new Harness(dir)) {
            bundles = new java.util.ArrayList<>(JournalRecoveryTest.history(h));
            h.ledger.setMarketStatus(Fixture.BTC, com.m0club.protocol.registry.MarketStatus.ACTIVE);
            h.clock.advance(1_000);
            h.reveal(bundles.get(3));
            before = JournalRecoveryTest.snapshot(h.ledger, bundles);
            assertThat(h.ledger.revealedBundle(bundles.get(3).bundle().bundleHash())).isPresent();
        }
        journal = dir.resolve(LocalLedger.JOURNAL_FILE);
    }

    /** Opens the damaged ledger: either it refuses, or its state is exactly the acknowledged state. */
    private void refusesOrLosesNothing() throws IOException {
        LocalLedger l;
        try {
            l = Fixture.open(dir, new ManualClock(T0));
        } catch (JournalCorruptedException e) {
            assertThat(e).hasMessageContaining(journal.toString()).hasMessageContaining("offset")
                    .hasMessageContaining("Runbook: local ledger journal damaged");
            return;
        }
        try (l) {
            assertThat(JournalRecoveryTest.snapshot(l, bundles)).isEqualTo(before);
            assertThat(l.revealedBundle(bundles.get(3).bundle().bundleHash())).isPresent();
        }
    }

    static Stream<Integer> cuts() {
        return Stream.concat(IntStream.rangeClosed(1, 16).boxed(), Stream.of(40, 200, 600, 1200));
    }

    @ParameterizedTest(name = "truncate by {0} bytes")
    @MethodSource("cuts")
    void truncatedByNBytes(int cut) throws IOException {
        build();
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(Math.max(0, ch.size() - cut));
        }
        refusesOrLosesNothing();
    }

    @Test
    void truncatedBySevenBytesKeepsTheAcknowledgedReveal() throws IOException {
        build();
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 7);
        }
        try (LocalLedger l = Fixture.open(dir, new ManualClock(T0))) {
            assertThat(JournalRecoveryTest.snapshot(l, bundles)).isEqualTo(before);
        }
    }

    static LongStream flips() {
        return LongStream.of(1, 2, 7, 13, 50, 100, 300);
    }

    @ParameterizedTest(name = "flip the byte {0} from the end (last frame)")
    @MethodSource("flips")
    void aByteFlippedInTheLastFrame(long fromEnd) throws IOException {
        build();
        JournalRecoveryTest.flip(journal, Files.size(journal) - fromEnd);
        refusesOrLosesNothing();
    }

    @Test
    void aByteFlippedInTheLastFrameHeaderRefusesOrRestores() throws IOException {
        build();
        List<Long> offsets = JournalRecoveryTest.frameOffsets(journal);
        JournalRecoveryTest.flip(journal, offsets.get(offsets.size() - 1) + 1);
        refusesOrLosesNothing();
    }

    @Test
    void wholeLastFramesCutAtABoundary() throws IOException {
        build();
        List<Long> offsets = JournalRecoveryTest.frameOffsets(journal);
        // one whole frame: restored from the marker; two whole frames: refused (acknowledged records missing)
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(offsets.get(offsets.size() - 1));
        }
        refusesOrLosesNothing();
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(offsets.get(offsets.size() - 2));
        }
        assertThatThrownBy(() -> Fixture.open(dir, new ManualClock(T0)))
                .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("acknowledged records are missing")
                .hasMessageContaining("Runbook: local ledger journal damaged");
    }

    @Test
    void anEmptyJournalRefuses() throws IOException {
        build();
        Files.write(journal, new byte[0]);
        assertThatThrownBy(() -> Fixture.open(dir, new ManualClock(T0)))
                .isInstanceOf(JournalCorruptedException.class).hasMessageContaining(journal.toString())
                .hasMessageContaining("offset 0").hasMessageContaining("Runbook: local ledger journal damaged");
    }

    @Test
    void aHeaderOnlyJournalRefuses() throws IOException {
        build();
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(Journal.HEADER_LENGTH);
        }
        assertThatThrownBy(() -> Fixture.open(dir, new ManualClock(T0)))
                .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("acknowledged records are missing");
    }

    @Test
    void aDeletedJournalRefusesInsteadOfStartingEmpty() throws IOException {
        build();
        Files.delete(journal);
        assertThatThrownBy(() -> Fixture.open(dir, new ManualClock(T0)))
                .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("journal is missing")
                .hasMessageContaining("Runbook: local ledger journal damaged");
    }

    @Test
    void anUnacknowledgedTornWriteIsStillTruncated() throws IOException {
        build();
        long intact = Files.size(journal);
        // a crash mid-append: half a frame after the acknowledged last one (the marker still names the last one)
        byte[] frame = Journal.frame(new byte[] {5, 1, 2, 3, 4, 5, 6, 7, 8}).array();
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap(frame, 0, frame.length - 4));
        }
        try (LocalLedger l = Fixture.open(dir, new ManualClock(T0))) {
            assertThat(JournalRecoveryTest.snapshot(l, bundles)).isEqualTo(before);
            assertThat(Files.size(journal)).isEqualTo(intact);
        }
    }

    @Test
    void theOperatorRecoveryCutsAtTheNamedOffsetAndTheLedgerOpens() throws IOException {
        build();
        List<Long> offsets = JournalRecoveryTest.frameOffsets(journal);
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(offsets.get(offsets.size() - 2) + 5);
        }
        long at = offsets.get(offsets.size() - 2);
        assertThatThrownBy(() -> Fixture.open(dir, new ManualClock(T0)))
                .isInstanceOfSatisfying(JournalCorruptedException.class, e -> assertThat(e.offset()).isEqualTo(at))
                .hasMessageContaining("--truncate-at " + at);
        assertThatThrownBy(() -> LocalLedger.recoverTruncateAt(dir, at + 1)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a frame boundary");
        assertThat(LocalLedger.recoverTruncateAt(dir, at)).isEqualTo(5);
        try (LocalLedger l = Fixture.open(dir, new ManualClock(T0))) {
            // the reveal and the commit of sequence 4 are gone: the reconciler reports them (ReconcilerTest)
            assertThat(l.revealedBundle(bundles.get(3).bundle().bundleHash())).isEmpty();
            assertThat(l.lastSequence(1)).isEqualTo(3);
        }
    }
}
