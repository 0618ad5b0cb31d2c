package com.m0club.signer.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.protocol.hash.Hash32;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The replay guard as a state machine: random requests, reopenings and torn tails. Whatever happens, no sequence is
 * ever authorized for two hashes, the high-water mark never goes down (across reopenings too), a fresh sequence above
 * the mark is always authorized and an exact retry of the mark is always authorized.
 */
class ReplayGuardProperties {
    private static final long SET = 3;

    sealed interface Op {}

    record Request(long sequence, int hash) implements Op {}

    record Reopen() implements Op {}

    /** Close, append a partial record (a crash mid-append), reopen. */
    record TearTail(int bytes) implements Op {}

    @Provide
    Arbitrary<Op> ops() {
        Arbitrary<Op> request = Arbitraries.longs().between(1, 24)
                .flatMap(seq -> Arbitraries.integers().between(0, 2).map(h -> (Op) new Request(seq, h)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, request),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen())),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, ReplayJournal.RECORD_LENGTH - 1)
                        .map(n -> (Op) new TearTail(n))));
    }

    @Property(tries = 200)
    void neverTwoHashesForOneSequenceAndTheMarkNeverDecreases(
            @ForAll @Size(max = 40) List<@net.jqwik.api.From("ops") Op> ops,
            @ForAll @IntRange(min = 1, max = 6) int retained,
            @ForAll @IntRange(min = 1, max = 12) int compactAfter) throws IOException {
        Path dir = Files.createTempDirectory("m0-guard-prop");
        Map<Long, Hash32> everSigned = new HashMap<>();
        long mark = 0;
        ReplayGuard guard = open(dir, retained, compactAfter);
        try {
            for (Op op : ops) {
                switch (op) {
                    case Request r -> {
                        Hash32 h = hash(r.hash());
                        GuardDecision d = guard.authorize(SET, r.sequence(), h);
                        if (r.sequence() > mark) {
                            assertThat(d).as("fresh sequence above the mark").isInstanceOf(
                                    GuardDecision.Authorized.class);
                        }
                        if (r.sequence() == mark && h.equals(everSigned.get(mark))) {
                            assertThat(d).as("retry of the mark").isInstanceOf(GuardDecision.Authorized.class);
                        }
                        if (d instanceof GuardDecision.Authorized) {
                            Hash32 prior = everSigned.putIfAbsent(r.sequence(), h);
                            assertThat(prior).as("sequence %d signed twice", r.sequence()).isIn(null, h);
                        }
                    }
                    case Reopen x -> {
                        guard.close();
                        guard = open(dir, retained, compactAfter);
                    }
                    case TearTail t -> {
                        guard.close();
                        byte[] junk = ReplayJournal.encode(new JournalEntry(SET, 99, hash(7)));
                        Files.write(dir.resolve(ReplayJournal.FILE_NAME), Arrays.copyOf(junk, t.bytes()),
                                StandardOpenOption.APPEND);
                        guard = open(dir, retained, compactAfter);
                        assertThat(guard.recovery().bytesTruncated()).isEqualTo(t.bytes());
                    }
                }
                long now = guard.highWaterMark(SET);
                assertThat(now).as("high-water mark").isGreaterThanOrEqualTo(mark);
                mark = now;
            }
        } finally {
            guard.close();
            deleteRecursively(dir);
        }
    }

    private static ReplayGuard open(Path dir, int retained, int compactAfter) {
        return ReplayGuard.builder(dir).retainedSequences(retained).compactAfterAppends(compactAfter).open();
    }

    private static Hash32 hash(int i) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) (i + 1));
        return Hash32.of(b);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
