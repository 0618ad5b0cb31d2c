package com.m0club.signer.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.hash.Hash32;
import com.m0club.signer.RefusalReason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayGuardTest {
    private static final long SET = 7;

    @TempDir
    Path dir;

    static Hash32 hash(int i) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) i);
        return Hash32.of(b);
    }

    private Path journal() {
        return dir.resolve(ReplayJournal.FILE_NAME);
    }

    @Test
    void signsAboveTheMarkRepeatsTheSameHashAndRefusesEverythingElse() {
        try (ReplayGuard guard = ReplayGuard.open(dir)) {
            assertThat(guard.highWaterMark(SET)).isZero();
            assertThat(guard.authorize(SET, 5, hash(1))).isEqualTo(new GuardDecision.Authorized(false, 5));
            assertThat(guard.authorize(SET, 5, hash(1))).isEqualTo(new GuardDecision.Authorized(true, 5));

            GuardDecision conflict = guard.authorize(SET, 5, hash(2));
            assertThat(conflict).isInstanceOfSatisfying(GuardDecision.Refused.class, r -> {
                assertThat(r.reason()).isEqualTo(RefusalReason.SEQUENCE_CONFLICT);
                assertThat(r.message()).contains("sequence 5").contains(hash(1).toHex()).contains(hash(2).toHex());
            });
            GuardDecision lower = guard.authorize(SET, 4, hash(3));
            assertThat(lower).isInstanceOfSatisfying(GuardDecision.Refused.class, r -> {
                assertThat(r.reason()).isEqualTo(RefusalReason.SEQUENCE_BELOW_HIGH_WATER_MARK);
                assertThat(r.message()).contains("sequence 4").contains("high-water mark 5");
            });
            assertThat(guard.authorize(SET, 9, hash(3))).isEqualTo(new GuardDecision.Authorized(false, 9));
            // A gap the agent skipped is below the mark: refused, it cannot know it never signed it before.
            assertThat(guard.authorize(SET, 7, hash(4))).isInstanceOf(GuardDecision.Refused.class);
            assertThat(guard.highWaterMark(SET)).isEqualTo(9);
            assertThat(guard.signedHash(SET, 5)).contains(hash(1));
        }
    }

    @Test
    void signerSetsAreIndependent() {
        try (ReplayGuard guard = ReplayGuard.open(dir)) {
            assertThat(guard.authorize(1, 10, hash(1))).isInstanceOf(GuardDecision.Authorized.class);
            assertThat(guard.authorize(2, 3, hash(2))).isInstanceOf(GuardDecision.Authorized.class);
            assertThat(guard.authorize(2, 10, hash(3))).isInstanceOf(GuardDecision.Authorized.class);
            assertThat(guard.highWaterMark(1)).isEqualTo(10);
            assertThat(guard.highWaterMark(2)).isEqualTo(10);
        }
    }

    @Test
    void stateSurvivesReopenAndDoubleSigningIsStillRefused() {
        try (ReplayGuard guard = ReplayGuard.open(dir)) {
            guard.authorize(SET, 1, hash(1));
            guard.authorize(SET, 2, hash(2));
        }
        try (ReplayGuard guard = ReplayGuard.open(dir)) {
            assertThat(guard.recovery().recordsRead()).isEqualTo(2);
            assertThat(guard.highWaterMark(SET)).isEqualTo(2);
            assertThat(guard.authorize(SET, 2, hash(2))).isEqualTo(new GuardDecision.Authorized(true, 2));
            assertThat(guard.authorize(SET, 2, hash(9))).isInstanceOfSatisfying(GuardDecision.Refused.class,
                    r -> assertThat(r.reason()).isEqualTo(RefusalReason.SEQUENCE_CONFLICT));
            assertThat(guard.authorize(SET, 1, hash(9))).isInstanceOfSatisfying(GuardDecision.Refused.class,
                    r -> assertThat(r.reason()).isEqualTo(RefusalReason.SEQUENCE_CONFLICT));
        }
    }

    @Test
    void tornTailIsTruncatedOnOpen() throws IOException {
        try (ReplayGuard guard = ReplayGuard.open(dir)) {
            guard.authorize(SET, 1, hash(1));
            guard.authorize(SET, 2, hash(2));
        }
        long intact = Files.size(journal());
        // A partial record, as a crash in the middle of an append leaves it.
        append(Arrays.copyOf(ReplayJournal.encode(new JournalEntry(SET, 3, hash(3))), 20));
        try (ReplayGuard guard = ReplayGuard.open(dir)) {
            assertThat(guard.recovery().bytesTruncated()).isEqualTo(20);
            assertThat(guard.highWaterMark(SET)).isEqualTo(2);
            assertThat(Files.size(journal())).isEqualTo(intact);
            // The torn record's signature never left the agent, so sequence 3 is free for any hash.
            assertThat(guard.authorize(SET, 3, hash(4))).isInstanceOf(GuardDecision.Authorized.class);
        }
        // A full-length last record whose CRC fails is a torn tail too.
        byte[] broken = ReplayJournal.encode(new JournalEntry(SET, 4, hash(5)));
        broken[20] ^= 1;
        append(broken);
        try (ReplayGuard guard = ReplayGuard.open(dir)) {
            assertThat(guard.recovery().bytesTruncated()).isEqualTo(ReplayJournal.RECORD_LENGTH);
            assertThat(guard.highWaterMark(SET)).isEqualTo(3);
            assertThat(guard.signedHash(SET, 3)).contains(hash(4));
        }
    }

    @Test
    void aBadRecordFollowedByGoodOnesIsCorruptionAndRefusesToOpen() throws IOException {
        try (ReplayGuard guard = ReplayGuard.open(dir)) {
            guard.authorize(SET, 1, hash(1));
            guard.authorize(SET, 2, hash(2));
            guard.authorize(SET, 3, hash(3));
        }
        try (FileChannel ch = FileChannel.open(journal(), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x55}), ReplayJournal.HEADER_LENGTH + 10);
        }
        assertThatThrownBy(() -> ReplayGuard.open(dir))
                .isInstanceOf(ReplayGuardException.class)
                .hasMessageContaining("corrupt")
                .hasMessageContaining("byte " + ReplayJournal.HEADER_LENGTH);
    }

    @Test
    void aFileThatIsNotAJournalIsRefused() throws IOException {
        Files.writeString(journal(), "hello, this is not a journal");
        assertThatThrownBy(() -> ReplayGuard.open(dir))
                .isInstanceOf(ReplayGuardException.class)
                .hasMessageContaining("not a replay journal");
    }

    @Test
    void retainsOnlyTheLastNSequencesForRetries() {
        try (ReplayGuard guard = ReplayGuard.builder(dir).retainedSequences(4).open()) {
            for (int s = 1; s <= 10; s++) {
                guard.authorize(SET, s, hash(s));
            }
            assertThat(guard.authorize(SET, 7, hash(7))).isEqualTo(new GuardDecision.Authorized(true, 10));
            assertThat(guard.authorize(SET, 6, hash(6))).isInstanceOfSatisfying(GuardDecision.Refused.class, r -> {
                assertThat(r.reason()).isEqualTo(RefusalReason.SEQUENCE_BELOW_HIGH_WATER_MARK);
                assertThat(r.message()).contains("last 4");
            });
        }
        try (ReplayGuard guard = ReplayGuard.builder(dir).retainedSequences(4).open()) {
            assertThat(guard.highWaterMark(SET)).isEqualTo(10);
            assertThat(guard.authorize(SET, 10, hash(10))).isInstanceOf(GuardDecision.Authorized.class);
            assertThat(guard.authorize(SET, 6, hash(6))).isInstanceOf(GuardDecision.Refused.class);
        }
    }

    @Test
    void compactionKeepsTheJournalSmallAndTheStateIntact() throws IOException {
        try (ReplayGuard guard = ReplayGuard.builder(dir).retainedSequences(3).compactAfterAppends(5).open()) {
            for (int s = 1; s <= 40; s++) {
                guard.authorize(SET, s, hash(s));
                assertThat(Files.size(journal()))
                        .isLessThanOrEqualTo(ReplayJournal.HEADER_LENGTH + 8L * ReplayJournal.RECORD_LENGTH);
            }
        }
        try (ReplayGuard guard = ReplayGuard.builder(dir).retainedSequences(3).open()) {
            assertThat(guard.highWaterMark(SET)).isEqualTo(40);
            assertThat(guard.authorize(SET, 38, hash(38))).isInstanceOf(GuardDecision.Authorized.class);
            assertThat(guard.authorize(SET, 40, hash(1))).isInstanceOf(GuardDecision.Refused.class);
            assertThat(guard.authorize(SET, 37, hash(37))).isInstanceOf(GuardDecision.Refused.class);
        }
        assertThat(dir.resolve(ReplayJournal.COMPACT_NAME)).doesNotExist();
    }

    @Test
    void oneStateDirServesOneAgentAtATime() {
        try (ReplayGuard guard = ReplayGuard.open(dir)) {
            assertThatThrownBy(() -> ReplayGuard.open(dir))
                    .isInstanceOf(ReplayGuardException.class)
                    .hasMessageContaining("already in use");
            assertThat(guard.authorize(SET, 1, hash(1))).isInstanceOf(GuardDecision.Authorized.class);
        }
        try (ReplayGuard again = ReplayGuard.open(dir)) {
            assertThat(again.highWaterMark(SET)).isEqualTo(1);
        }
    }

    @Test
    void concurrentRequestsForOneSequenceSignExactlyOneHash() throws Exception {
        try (ReplayGuard guard = ReplayGuard.open(dir);
                var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.List<java.util.concurrent.Future<GuardDecision>> decisions = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int h = i;
                decisions.add(pool.submit(() -> guard.authorize(SET, 1, hash(h))));
            }
            int authorized = 0;
            for (var d : decisions) {
                if (d.get() instanceof GuardDecision.Authorized) {
                    authorized++;
                }
            }
            assertThat(authorized).isEqualTo(1);
        }
    }

    @Test
    void aClosedGuardRefusesToAuthorize() {
        ReplayGuard guard = ReplayGuard.open(dir);
        guard.close();
        assertThatThrownBy(() -> guard.authorize(SET, 1, hash(1))).isInstanceOf(ReplayGuardException.class);
    }

    private void append(byte[] bytes) throws IOException {
        Files.write(journal(), bytes, StandardOpenOption.APPEND);
    }
}
