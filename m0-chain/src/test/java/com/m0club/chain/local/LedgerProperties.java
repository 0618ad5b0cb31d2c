package com.m0club.chain.local;

import com.m0club.protocol.testing.ManualClock;
import static com.m0club.chain.local.Fixture.K1;
import static com.m0club.chain.local.Fixture.K2;
import static com.m0club.chain.local.Fixture.K3;
import static com.m0club.chain.local.Fixture.OUTSIDER;
import static com.m0club.chain.local.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.chain.EpochRecord;
import com.m0club.chain.EpochRef;
import com.m0club.chain.Ledger;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.LedgerRejection;
import com.m0club.chain.RevealedBundle;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.protocol.time.EpochSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of commits, reveals, finalizations, pauses, resumes, clock moves and restarts, valid and invalid
 * mixed. After every step: each set's last sequence only increases, a finalized epoch never changes, events are
 * contiguous and every revealed bundle verifies against its set. At the end, a ledger opened from a copy of the
 * journal shows exactly what the live one shows.
 */
class LedgerProperties {
    static final MarketId M1 = MarketId.of("CRYPTO_ETH_UP_1M");
    static final MarketId M2 = MarketId.of("SPORTS_EPL_ARS_CHE");
    static final List<MarketId> MARKETS = List.of(M1, M2);
    /** One-minute epochs, 5 s ticks, short delays: epochs open, fill and finalize within a few dozen steps. */
    static final EpochSchedule SCHEDULE = new EpochSchedule(60_000, 5_000);
    static final LedgerTiming TIMING = new LedgerTiming(10_000, 30_000, 30_000, 5_000);

    static Market market(MarketId id) {
        return Fixture.market(id, List.of("DOWN", "UP"), SCHEDULE, TIMING);
    }

    sealed interface Op {}

    record Advance(long ms) implements Op {}

    /** Prepare a bundle at sequence (highest so far + delta) over some markets and commit it. */
    record Commit(int sequenceDelta, int marketMask, Variant variant) implements Op {}

    /** Commit, wait one slot, reveal: the submitter's normal path. */
    record Publish(Commit commit) implements Op {}

    /** Commit an already prepared bundle again (idempotent, or refused); {@code back} counts from the newest. */
    record Recommit(int back) implements Op {}

    /** Reveal a prepared bundle; {@code back} counts from the newest. */
    record Reveal(int back, RevealVariant variant) implements Op {}

    record Finalize(int market, int epochsBack) implements Op {}

    record FinalizeDue() implements Op {}

    record Pause(int market) implements Op {}

    record Resume(int market) implements Op {}

    record Reopen() implements Op {}

    /**
     * Issue 6: damage the journal's last (acknowledged) frame, by cutting {@code cut} bytes (0 = flip a byte
     * instead), then reopen: nothing acknowledged may be lost, so the reopened ledger is identical.
     */
    record DamageTailAndReopen(int cut) implements Op {}

    /** Reopen with the in-memory event list bounded to {@code max}: same state, same decisions afterwards. */
    record ReopenBounded(int max) implements Op {}

    enum Variant {
        VALID, ONE_SIGNATURE, OUTSIDER_SIGNATURE, STALE, FUTURE, OLD_EPOCH
    }

    enum RevealVariant {
        VALID, WRONG_SALT, TRUNCATED
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> advance = Arbitraries.of(1L, 400L, 400L, 2_000L, 7_000L, 31_000L, 65_000L).map(Advance::new);
        Arbitrary<Integer> delta = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(1)),
                Tuple.of(2, Arbitraries.integers().between(-2, 3)));
        // Most reveals and re-commits target the latest bundles, some any bundle at all.
        Arbitrary<Integer> recent = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.just(1)), Tuple.of(1, Arbitraries.integers().between(0, 50)));
        Arbitrary<Commit> commits = Combinators.combine(delta,
                Arbitraries.integers().between(1, 3),
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(Variant.VALID)),
                        Tuple.of(1, Arbitraries.of(Variant.class))))
                .as(Commit::new);
        Arbitrary<Op> commit = commits.map(c -> c);
        Arbitrary<Op> publish = commits.map(Publish::new);
        Arbitrary<Op> recommit = recent.map(Recommit::new);
        Arbitrary<Op> reveal = Combinators.combine(recent,
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(RevealVariant.VALID)),
                        Tuple.of(1, Arbitraries.of(RevealVariant.class))))
                .as(Reveal::new);
        Arbitrary<Op> finalize = Combinators.combine(Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 3)).as(Finalize::new);
        Arbitrary<Op> pause = Arbitraries.integers().between(0, 1).map(Pause::new);
        Arbitrary<Op> resume = Arbitraries.integers().between(0, 1).map(Resume::new);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(6, advance), Tuple.of(4, commit), Tuple.of(4, publish), Tuple.of(1, recommit), Tuple.of(6, reveal),
                Tuple.of(2, finalize), Tuple.of(2, Arbitraries.just(new FinalizeDue())), Tuple.of(1, pause),
                Tuple.of(2, resume), Tuple.of(1, Arbitraries.just(new Reopen())),
                Tuple.of(1, Arbitraries.integers().between(0, 40).map(DamageTailAndReopen::new)),
                Tuple.of(1, Arbitraries.integers().between(4, 64).map(ReopenBounded::new)));
        return Arbitraries.integers().between(20, 80).flatMap(n -> op.list().ofSize(n));
    }

    @Property(tries = 50)
    void invariantsHold(@ForAll("operations") List<Op> ops) throws IOException {
        Path root = Files.createTempDirectory("m0-ledger-prop");
        try {
            new Run(root).execute(ops);
        } finally {
            deleteTree(root);
        }
    }

    /** One try: a ledger in its own directory, driven by {@code ops}, checked after every step. */
    static final class Run {
        final Path dir;
        final ManualClock clock = new ManualClock(T0);
        final List<Harness.Prepared> prepared = new ArrayList<>();
        final Map<String, EpochRecord> finalized = new HashMap<>();
        final Set<String> touchedEpochs = new LinkedHashSet<>();
        final Map<Long, SignerSet> sets = new HashMap<>();
        LocalLedger ledger;
        int maxEvents = LocalLedger.DEFAULT_MAX_EVENTS_IN_MEMORY;
        long lastSequence;
        long nextEvent;
        long highestPrepared;
        int salts;

        Run(Path root) throws IOException {
            this.dir = root.resolve("ledger");
            ledger = Fixture.open(dir, clock);
            SignerSet set = Fixture.set1(SignerSetStatus.ACTIVE);
            sets.put(1L, set);
            ledger.registerSignerSet(set);
            for (MarketId m : MARKETS) {
                ledger.registerMarket(market(m));
            }
        }

        void execute(List<Op> ops) throws IOException {
            try {
                for (Op op : ops) {
                    String outcome;
                    try {
                        step(op);
                        outcome = "ok";
                    } catch (LedgerRejection r) {
                        outcome = r.reason().name();
                    }
                    Statistics.label("outcomes").collect(op.getClass().getSimpleName() + " " + outcome);
                    checkInvariants();
                }
                Path copy = dir.resolveSibling("copy");
                Files.createDirectories(copy);
                Files.copy(dir.resolve(LocalLedger.JOURNAL_FILE), copy.resolve(LocalLedger.JOURNAL_FILE));
                try (LocalLedger reopened = LocalLedger.builder(copy).clock(clock).registry(
                        new io.prometheus.metrics.model.registry.PrometheusRegistry()).maxEventsInMemory(maxEvents)
                        .open()) {
                    assertThat(view(reopened)).isEqualTo(view(ledger));
                }
            } finally {
                ledger.close();
            }
        }

        void step(Op op) throws IOException {
            switch (op) {
                case Advance a -> clock.advance(a.ms());
                case Commit c -> {
                    long seq = Math.max(1, highestPrepared + c.sequenceDelta());
                    highestPrepared = Math.max(highestPrepared, seq);
                    Harness.Prepared p = prepare(seq, c.marketMask(), c.variant());
                    prepared.add(p);
                    ledger.commit(p.commitHash(), 1, seq);
                }
                case Publish p -> {
                    step(p.commit());
                    clock.advance(SlotClock.SLOT_MS);
                    step(new Reveal(0, RevealVariant.VALID));
                }
                case Recommit r -> {
                    if (!prepared.isEmpty()) {
                        Harness.Prepared p = pick(r.back());
                        ledger.commit(p.commitHash(), 1, p.bundle().header().sequence());
                    }
                }
                case Reveal r -> {
                    if (!prepared.isEmpty()) {
                        Harness.Prepared p = pick(r.back());
                        switch (r.variant()) {
                            case VALID -> {
                                long eventsBefore = ledger.nextEventIndex();
                                var receipt = ledger.reveal(p.signed(), p.salt());
                                assertThat(receipt.bundleHash()).isEqualTo(p.bundle().bundleHash());
                                if (ledger.nextEventIndex() > eventsBefore) {
                                    // a new acceptance can never land in a finalized epoch; a repeated reveal
                                    // returns its original receipt even if the epoch has finalized since
                                    for (var item : receipt.items()) {
                                        assertThat(ledger.epoch(item.market(), item.epochId()).orElseThrow()
                                                .isFinalized()).isFalse();
                                    }
                                }
                            }
                            case WRONG_SALT -> ledger.reveal(p.signed(), Fixture.salt(9_999));
                            case TRUNCATED -> ledger.reveal(Arrays.copyOf(p.signed(), p.signed().length - 1),
                                    p.salt());
                        }
                    }
                }
                case Finalize f -> {
                    MarketId m = MARKETS.get(f.market());
                    long epoch = SCHEDULE.epochAt(ledger.nowMs()).id() - f.epochsBack();
                    var receipt = ledger.finalizeEpoch(m, epoch);
                    assertThat(ledger.epoch(m, epoch).orElseThrow().canonicalBundleHash())
                            .contains(receipt.canonicalBundleHash());
                }
                case FinalizeDue d -> {
                    for (EpochRef due : ledger.dueForFinalization()) {
                        ledger.finalizeEpoch(due.market(), due.epochId());
                    }
                    assertThat(ledger.dueForFinalization()).isEmpty();
                }
                case Pause p -> ledger.setMarketStatus(MARKETS.get(p.market()), MarketStatus.PAUSED);
                case Resume r -> ledger.setMarketStatus(MARKETS.get(r.market()), MarketStatus.ACTIVE);
                case Reopen r -> {
                    Object before = view(ledger);
                    ledger.close();
                    ledger = reopen();
                    assertThat(view(ledger)).isEqualTo(before);
                }
                case DamageTailAndReopen d -> {
                    Object before = view(ledger);
                    ledger.close();
                    Path journal = dir.resolve(LocalLedger.JOURNAL_FILE);
                    List<Long> frames = JournalRecoveryTest.frameOffsets(journal);
                    long last = frames.get(frames.size() - 1);
                    long size = Files.size(journal);
                    if (d.cut() == 0) {
                        JournalRecoveryTest.flip(journal, size - 1);
                    } else {
                        try (var ch = java.nio.channels.FileChannel.open(journal,
                                java.nio.file.StandardOpenOption.WRITE)) {
                            ch.truncate(Math.max(last, size - d.cut()));
                        }
                    }
                    ledger = reopen();
                    assertThat(view(ledger)).isEqualTo(before);
                    assertThat(Files.size(journal)).isEqualTo(size);
                }
                case ReopenBounded b -> {
                    Object before = viewWithoutEvents(ledger);
                    long next = ledger.nextEventIndex();
                    ledger.close();
                    maxEvents = b.max();
                    ledger = reopen();
                    assertThat(viewWithoutEvents(ledger)).isEqualTo(before);
                    assertThat(ledger.nextEventIndex()).isEqualTo(next);
                    assertThat(ledger.eventsInMemory()).isLessThanOrEqualTo(b.max() + b.max() / 8 + 1);
                }
            }
        }

        LocalLedger reopen() throws IOException {
            return LocalLedger.builder(dir).clock(clock).registry(new io.prometheus.metrics.model.registry
                    .PrometheusRegistry()).maxEventsInMemory(maxEvents).open();
        }

        Harness.Prepared pick(int back) {
            return prepared.get(prepared.size() - 1 - back % prepared.size());
        }

        Harness.Prepared prepare(long seq, int mask, Variant variant) {
            long now = clock.millis();
            long itemTime = variant == Variant.OLD_EPOCH ? Math.max(0, now - 120_000) : now;
            long producedAt = switch (variant) {
                case STALE -> now - 31_000;
                case FUTURE -> now + 5_001;
                default -> now;
            };
            List<BundleItem> items = new ArrayList<>();
            for (int i = 0; i < MARKETS.size(); i++) {
                if ((mask & (1 << i)) != 0) {
                    items.add(Fixture.item(market(MARKETS.get(i)), itemTime));
                }
            }
            SigningKey[] signers = switch (variant) {
                case ONE_SIGNATURE -> new SigningKey[] {K3};
                case OUTSIDER_SIGNATURE -> new SigningKey[] {K2, OUTSIDER};
                default -> (seq % 2 == 0) ? new SigningKey[] {K1, K3} : new SigningKey[] {K1, K2, K3};
            };
            EncodedBundle b = Fixture.bundle(1, seq, producedAt, items);
            byte[] salt = Fixture.salt(++salts);
            return new Harness.Prepared(b, Fixture.sign(b, signers), salt, Fixture.commitHash(b, salt));
        }

        void checkInvariants() {
            long seq = ledger.lastSequence(1);
            assertThat(seq).as("the last sequence only increases").isGreaterThanOrEqualTo(lastSequence);
            lastSequence = seq;

            // With a small in-memory bound one step can append more events than the ledger keeps: the ones before
            // its oldest kept event are gone by design (a reader that far behind resynchronises from state).
            nextEvent = Math.max(nextEvent, ledger.oldestEventIndex());
            List<LedgerEvent> fresh = ledger.events(nextEvent, Integer.MAX_VALUE);
            for (LedgerEvent e : fresh) {
                assertThat(e.index()).as("event indices are contiguous").isEqualTo(nextEvent++);
                switch (e) {
                    case LedgerEvent.Revealed r -> {
                        RevealedBundle stored = ledger.revealedBundle(r.bundleHash()).orElseThrow();
                        SignedBundle signed = BundleCodec.decodeSigned(stored.signedBundleBytes());
                        assertThat(signed.bundle().bundleHash()).isEqualTo(r.bundleHash());
                        assertThat(signed.bundle().header().sequence()).isEqualTo(r.sequence());
                        assertThat(signed.verify(sets.get(r.signerSetId())).passed())
                                .as("a revealed bundle verifies against its set").isTrue();
                    }
                    case LedgerEvent.ItemAccepted i -> touchedEpochs.add(key(i.market(), i.epochId()));
                    default -> { }
                }
            }
            for (String k : touchedEpochs) {
                String[] parts = k.split("@");
                EpochRecord now = ledger.epoch(MarketId.of(parts[0]), Long.parseLong(parts[1])).orElseThrow();
                EpochRecord before = finalized.get(k);
                if (before != null) {
                    assertThat(now).as("a finalized epoch never changes").isEqualTo(before);
                } else if (now.isFinalized()) {
                    finalized.put(k, now);
                }
            }
        }

        static String key(MarketId m, long epoch) {
            return m.value() + "@" + epoch;
        }

        /** Everything readable about the ledger, for comparing two instances. */
        List<Object> view(Ledger l) {
            List<Object> v = new ArrayList<>();
            long first = l instanceof LocalLedger local ? local.firstEventIndex() : 0;
            v.add(first);
            v.add(l.events(first, Integer.MAX_VALUE));
            v.addAll(viewWithoutEvents(l));
            return v;
        }

        /** {@link #view} without the event list (whose window depends on the in-memory bound). */
        List<Object> viewWithoutEvents(Ledger l) {
            List<Object> v = new ArrayList<>();
            v.add(l.nextEventIndex());
            v.add(l.lastSequence(1));
            v.add(l.signerSet(1));
            for (MarketId m : MARKETS) {
                v.add(l.latest(m));
                v.add(l.market(m));
            }
            touchedEpochs.stream().sorted(Comparator.naturalOrder()).forEach(k -> {
                String[] parts = k.split("@");
                v.add(l.epoch(MarketId.of(parts[0]), Long.parseLong(parts[1])));
            });
            for (Harness.Prepared p : prepared) {
                v.add(l.commitment(p.commitHash()));
                v.add(l.revealedBundle(p.bundle().bundleHash()).map(RevealedBundle::receipt));
            }
            v.add(l.dueForFinalization());
            return v;
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

}
