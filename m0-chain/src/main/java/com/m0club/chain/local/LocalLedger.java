package com.m0club.chain.local;

import com.m0club.chain.CommitReceipt;
import com.m0club.chain.CommitRecord;
import com.m0club.chain.EpochRecord;
import com.m0club.chain.EpochRef;
import com.m0club.chain.FinalizeReceipt;
import com.m0club.chain.Ledger;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.LedgerRejection;
import com.m0club.chain.MarketValue;
import com.m0club.chain.RevealReceipt;
import com.m0club.chain.RevealedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerSet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The local ledger: an in-process ledger that enforces the on-chain program's rules (PROTOCOL.md, "Signer sets and
 * replay protection" and "Commit, reveal, finalize"), so that dev and tests exercise the rules Solana will.
 *
 * <ul>
 *   <li><b>Time.</b> Ledger time comes from the injected {@link InstantSource} and never runs backwards; slots are
 *       400 ms from the ledger's genesis (the clock's time when the directory was first opened, kept in the
 *       journal header). Nothing runs in the background: the {@code m0_ledger_slot} gauge is computed on scrape.</li>
 *   <li><b>Durability.</b> Every accepted state-changing call is appended to {@code <dir>/journal.m0l} and forced to
 *       disk before the call returns and before any listener hears of it. Opening the directory replays the journal
 *       through the same rules and rebuilds the state, the receipts and the event list exactly; a torn last record is
 *       truncated with a warning, damage elsewhere stops the open ({@link JournalCorruptedException}).</li>
 *   <li><b>Concurrency.</b> One writer at a time (a read-write lock), concurrent reads. One ledger per directory:
 *       {@code <dir>/LOCK} is held while open.</li>
 * </ul>
 *
 * <p>The journal and the event list grow without bound: this ledger is for dev, tests and single-machine demos,
 * not for years of history.
 */
public final class LocalLedger implements Ledger {
    /** Default limit on the signed bundle bytes of one reveal. */
    public static final int DEFAULT_MAX_SIGNED_BUNDLE_BYTES = 1 << 20;
    static final String JOURNAL_FILE = "journal.m0l";
    /** Default bound of the in-memory event list (about 20 MB of events). */
    public static final int DEFAULT_MAX_EVENTS_IN_MEMORY = 100_000;

    private final Path directory;
    private final DirectoryLock directoryLock;
    private final SlotClock clock;
    private final LedgerState state;
    private final Journal journal;
    private final LedgerMetrics metrics;
    private final EventDispatcher dispatcher;
    private final LedgerState.RevealLimits limits;
    private final boolean requireQuorum;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile String broken;

    private LocalLedger(Builder b, DirectoryLock directoryLock, LedgerState state, Journal journal, long lastTimeMs) {
        this.directory = b.directory;
        this.directoryLock = directoryLock;
        this.state = state;
        this.journal = journal;
        this.clock = new SlotClock(b.clock, journal.genesisMs());
        this.clock.advanceTo(lastTimeMs);
        this.limits = new LedgerState.RevealLimits(b.maxSignedBundleBytes, true);
        this.requireQuorum = b.requireQuorum;
        this.metrics = new LedgerMetrics(b.registry, this::currentSlot);
        if (journal.truncatedBytes() > 0) {
            metrics.tornTailTruncated();
        }
        for (long i = 0; i < journal.restoredFrames(); i++) {
            metrics.tornTailTruncated();
        }
        this.dispatcher = new EventDispatcher(this::events, state.nextEventIndex(), metrics::listenerFailed);
    }

    /**
     * The operator's explicit recovery for a journal the ledger refused to open ({@code m0 ledger recover
     * --truncate-at OFFSET}): cuts {@code <directory>/journal.m0l} at {@code offset}, which must be a frame boundary
     * (the offset the refusal named), and rewrites the acknowledgement marker. Records from the offset on are lost;
     * the reconciler reports every publish record they backed as a mismatch after the restart. The ledger must not be
     * open (the directory lock is taken). Returns the bytes dropped.
     */
    public static long recoverTruncateAt(Path directory, long offset) throws IOException {
        try (DirectoryLock lock = DirectoryLock.acquire(directory)) {
            return Journal.recoverTruncateAt(directory.resolve(JOURNAL_FILE), offset);
        }
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Options of a local ledger. The clock and the metrics registry are required: nothing is taken implicitly. */
    public static final class Builder {
        private final Path directory;
        private InstantSource clock;
        private PrometheusRegistry registry;
        private int maxSignedBundleBytes = DEFAULT_MAX_SIGNED_BUNDLE_BYTES;
        private boolean requireQuorum = true;
        private int maxEventsInMemory = DEFAULT_MAX_EVENTS_IN_MEMORY;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** The ledger's clock (a manual clock in tests, {@code InstantSource.system()} in dev). */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder registry(PrometheusRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Largest signed bundle a reveal may carry (default 1 MiB); larger ones are TOO_LARGE. */
        public Builder maxSignedBundleBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max_signed_bundle_bytes must be >= 1, got " + bytes);
            }
            this.maxSignedBundleBytes = bytes;
            return this;
        }

        /**
         * Events kept in memory for {@link #events(long, int)} and late subscribers (default
         * {@value #DEFAULT_MAX_EVENTS_IN_MEMORY}); a reader whose cursor is older gets an
         * {@link EventsExpiredException} naming the oldest index kept. Bounds the event list's heap.
         */
        public Builder maxEventsInMemory(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("ledger_max_events_in_memory must be >= 1, got " + events);
            }
            this.maxEventsInMemory = events;
            return this;
        }

        /**
         * Accepts signer sets with threshold 1. Only the dev profile may ask for this (PROTOCOL.md: {@code 2 <= m}
         * everywhere else).
         */
        public Builder allowSingleSignerSets() {
            this.requireQuorum = false;
            return this;
        }

        /**
         * Opens the ledger: creates the directory and journal if absent, takes the directory lock, replays the
         * journal. Throws {@link IllegalStateException} when another ledger holds the directory and
         * {@link JournalCorruptedException} when the journal is damaged beyond a torn tail.
         */
        public LocalLedger open() throws IOException {
            if (clock == null) {
                throw new IllegalStateException("LocalLedger.builder(...).clock(...) is required");
            }
            if (registry == null) {
                throw new IllegalStateException("LocalLedger.builder(...).registry(...) is required");
            }
            Files.createDirectories(directory);
            DirectoryLock dirLock = DirectoryLock.acquire(directory);
            try {
                LedgerState state = new LedgerState();
                state.maxEventsInMemory(maxEventsInMemory);
                Replayer replayer = new Replayer(state, directory.resolve(JOURNAL_FILE).toString());
                Journal journal = Journal.open(directory.resolve(JOURNAL_FILE), clock.millis(), replayer);
                try {
                    return new LocalLedger(this, dirLock, state, journal, replayer.lastTimeMs);
                } catch (RuntimeException e) {
                    journal.close();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                dirLock.close();
                throw e;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ plans

    /** The state's answer to one call: the original result of an idempotent repeat, or how to apply the change. */
    private record Plan(Optional<Object> existing, Applier applier) {
        static Plan noop(Object existing) {
            return new Plan(Optional.of(existing), null);
        }

        static Plan go(Applier applier) {
            return new Plan(Optional.empty(), applier);
        }

        /** A registry call: no result, and {@code changes} false means the same content is already there. */
        static Plan registry(boolean changes, Runnable apply) {
            return changes ? go((t, tx, off) -> {
                apply.run();
                return Done.INSTANCE;
            }) : noop(Done.INSTANCE);
        }
    }

    @FunctionalInterface
    private interface Applier {
        Object apply(LedgerTime time, String transactionId, long frameOffset);
    }

    /** The no-result of registry calls. */
    private enum Done {
        INSTANCE
    }

    /**
     * Runs the rules for {@code record} against the state at {@code now}. The same code serves live calls and
     * replay; replay skips only what depends on configuration (size limit, quorum policy) and the signature checks
     * a journaled reveal already passed.
     */
    private static Plan plan(LedgerState state, JournalRecord record, LedgerTime now, LedgerState.RevealLimits limits,
            boolean requireQuorum) {
        return switch (record) {
            case JournalRecord.RegisterSignerSet r -> Plan.registry(
                    state.signerSets().checkRegister(r.set(), requireQuorum),
                    () -> state.signerSets().applyRegister(r.set()));
            case JournalRecord.ActivateSignerSet a -> Plan.registry(state.signerSets().checkActivate(a.signerSetId()),
                    () -> state.signerSets().applyActivate(a.signerSetId()));
            case JournalRecord.RegisterMarket m -> Plan.registry(state.markets().checkRegister(m.market()),
                    () -> state.markets().applyRegister(m.market()));
            case JournalRecord.SetMarketStatus s -> Plan.registry(state.markets().checkStatus(s.market(), s.status()),
                    () -> state.markets().applyStatus(s.market(), s.status()));
            case JournalRecord.Commit c -> state.checkCommit(c.commitHash(), c.signerSetId(), c.sequence())
                    .map(Plan::noop)
                    .orElseGet(() -> Plan.go((t, tx, off) -> state.applyCommit(c.commitHash(), c.signerSetId(),
                            c.sequence(), t, tx)));
            case JournalRecord.Reveal v -> switch (state.checkReveal(v.signedBundleBytes(), v.salt(), now, limits)) {
                case LedgerState.RevealCheck.AlreadyRevealed a -> Plan.noop(a.receipt());
                case LedgerState.RevealCheck.Accept a -> Plan.go((t, tx, off) -> state.applyReveal(a, t, tx, off));
            };
            case JournalRecord.Finalize f -> state.checkFinalize(f.market(), f.epochId(), now)
                    .map(Plan::noop)
                    .orElseGet(() -> Plan.go((t, tx, off) -> state.applyFinalize(f.market(), f.epochId(), t, tx)));
        };
    }

    static String transactionId(long ordinal) {
        return "local-" + ordinal;
    }

    /** Rebuilds the state from the journal, record by record, through the same rules. */
    private static final class Replayer implements Journal.FrameVisitor {
        private final LedgerState state;
        private final String file;
        long lastTimeMs = Long.MIN_VALUE;

        Replayer(LedgerState state, String file) {
            this.state = state;
            this.file = file;
        }

        @Override
        public void visit(long ordinal, long frameOffset, byte[] payload) {
            JournalRecord.Stamped stamped;
            try {
                stamped = JournalCodec.decode(payload);
            } catch (IOException e) {
                throw new JournalCorruptedException(file, frameOffset,
                        "record #" + ordinal + " does not decode: " + e.getMessage(), e);
            }
            LedgerTime time = stamped.time();
            if (time.timeMs() < lastTimeMs) {
                throw new JournalCorruptedException(file, frameOffset, "record #" + ordinal + " has ledger time "
                        + time.timeMs() + ", before the previous record's " + lastTimeMs);
            }
            Plan plan;
            try {
                plan = plan(state, stamped.record(), time, LedgerState.RevealLimits.REPLAY, false);
            } catch (LedgerRejection e) {
                throw new JournalCorruptedException(file, frameOffset, "record #" + ordinal + " ("
                        + stamped.record().getClass().getSimpleName() + ") no longer applies: " + e.getMessage(), e);
            }
            if (plan.existing().isPresent()) {
                throw new JournalCorruptedException(file, frameOffset, "record #" + ordinal + " ("
                        + stamped.record().getClass().getSimpleName() + ") repeats an earlier record");
            }
            plan.applier().apply(time, transactionId(ordinal), frameOffset);
            lastTimeMs = time.timeMs();
        }
    }

    /**
     * One state-changing call: check, journal (forced to disk), apply, then tell listeners. A rejection is counted and
     * rethrown; an idempotent repeat returns the original result and writes nothing.
     */
    private Object write(JournalRecord record) {
        Object result;
        lock.writeLock().lock();
        try {
            ensureWritable();
            LedgerTime now = clock.now();
            Plan plan = plan(state, record, now, limits, requireQuorum);
            if (plan.existing().isPresent()) {
                return plan.existing().get();
            }
            long ordinal = journal.records() + 1;
            long offset = appendDurably(new JournalRecord.Stamped(now, record));
            clock.advanceTo(now.timeMs());
            result = plan.applier().apply(now, transactionId(ordinal), offset);
            switch (record) {
                case JournalRecord.Commit c -> metrics.committed();
                case JournalRecord.Reveal r -> metrics.revealed();
                case JournalRecord.Finalize f -> metrics.finalizedEpoch();
                default -> { }
            }
        } catch (LedgerRejection e) {
            metrics.rejected(e.reason());
            throw e;
        } finally {
            lock.writeLock().unlock();
        }
        dispatcher.drain();
        return result;
    }

    private long appendDurably(JournalRecord.Stamped stamped) {
        try {
            return journal.append(JournalCodec.encode(stamped));
        } catch (IOException e) {
            metrics.journalFailed();
            broken = e.toString();
            throw new UncheckedIOException("ledger journal " + journal.file() + ": write failed, the call did not"
                    + " happen and the ledger accepts no more writes until it is reopened", e);
        }
    }

    private void ensureWritable() {
        if (closed) {
            throw new IllegalStateException("ledger " + directory + " is closed");
        }
        if (broken != null) {
            throw new IllegalStateException("ledger " + directory + " stopped accepting writes after a journal"
                    + " write failed (" + broken + "); reopen it");
        }
    }

    // ------------------------------------------------------------------------------------------------ writes

    @Override
    public void registerSignerSet(SignerSet set) {
        write(new JournalRecord.RegisterSignerSet(Objects.requireNonNull(set, "set")));
    }

    @Override
    public void activateSignerSet(long signerSetId) {
        write(new JournalRecord.ActivateSignerSet(signerSetId));
    }

    @Override
    public void registerMarket(Market market) {
        write(new JournalRecord.RegisterMarket(Objects.requireNonNull(market, "market")));
    }

    @Override
    public void setMarketStatus(MarketId market, MarketStatus status) {
        write(new JournalRecord.SetMarketStatus(Objects.requireNonNull(market, "market"),
                Objects.requireNonNull(status, "status")));
    }

    @Override
    public CommitReceipt commit(Hash32 commitHash, long signerSetId, long sequence) {
        return (CommitReceipt) write(new JournalRecord.Commit(Objects.requireNonNull(commitHash, "commitHash"),
                signerSetId, sequence));
    }

    @Override
    public RevealReceipt reveal(byte[] signedBundleBytes, byte[] salt) {
        Objects.requireNonNull(signedBundleBytes, "signedBundleBytes");
        Objects.requireNonNull(salt, "salt");
        return (RevealReceipt) write(new JournalRecord.Reveal(signedBundleBytes.clone(), salt.clone()));
    }

    @Override
    public FinalizeReceipt finalizeEpoch(MarketId market, long epochId) {
        return (FinalizeReceipt) write(new JournalRecord.Finalize(Objects.requireNonNull(market, "market"), epochId));
    }

    // ------------------------------------------------------------------------------------------------ reads

    @Override
    public List<EpochRef> dueForFinalization() {
        long now = nowMs();
        return read(() -> state.dueForFinalization(now));
    }

    @Override
    public long currentSlot() {
        return clock.now().slot();
    }

    @Override
    public long nowMs() {
        return clock.now().timeMs();
    }

    /** The time of slot 0: the clock's time when this ledger directory was first opened. */
    public long genesisMs() {
        return clock.genesisMs();
    }

    @Override
    public Optional<SignerSet> signerSet(long signerSetId) {
        return read(() -> state.signerSets().get(signerSetId));
    }

    @Override
    public long lastSequence(long signerSetId) {
        return read(() -> state.signerSets().lastSequence(signerSetId));
    }

    @Override
    public Optional<Market> market(MarketId market) {
        return read(() -> state.markets().get(market));
    }

    @Override
    public Optional<CommitRecord> commitment(Hash32 commitHash) {
        return read(() -> state.commitment(commitHash));
    }

    @Override
    public Optional<RevealedBundle> revealedBundle(Hash32 bundleHash) {
        Optional<LedgerState.RevealEntry> entry = read(() -> state.reveal(bundleHash));
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        try {
            JournalRecord.Stamped stamped = JournalCodec.decode(journal.readPayload(entry.get().frameOffset()));
            if (!(stamped.record() instanceof JournalRecord.Reveal reveal)) {
                throw new JournalCorruptedException(journal.file().toString(), entry.get().frameOffset(),
                        "expected a reveal record for bundle " + bundleHash.toHex());
            }
            return Optional.of(new RevealedBundle(entry.get().receipt(), reveal.signedBundleBytes(), reveal.salt()));
        } catch (IOException e) {
            metrics.journalFailed();
            throw new UncheckedIOException("ledger journal " + journal.file() + ": cannot read back the reveal of "
                    + bundleHash.toHex(), e);
        }
    }

    @Override
    public Optional<EpochRecord> epoch(MarketId market, long epochId) {
        return read(() -> state.epoch(market, epochId));
    }

    @Override
    public Optional<MarketValue> latest(MarketId market) {
        return read(() -> state.latest(market));
    }

    @Override
    public List<LedgerEvent> events(long fromIndexInclusive, int max) {
        return read(() -> state.events(fromIndexInclusive, max));
    }

    /** Index of the oldest event still kept in memory ({@link Builder#maxEventsInMemory}). */
    public long firstEventIndex() {
        return read(() -> state.firstEventIndex());
    }

    /** Events held in memory now (at most the configured bound plus an eighth). */
    public int eventsInMemory() {
        return read(() -> state.eventsInMemory());
    }

    @Override
    public long nextEventIndex() {
        return read(() -> state.nextEventIndex());
    }

    @Override
    public Subscription subscribe(Consumer<LedgerEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        return read(() -> dispatcher.subscribe(listener, state.nextEventIndex()));
    }

    /** Runs {@code body} under the read lock: reads see a state between two whole writes, never half of one. */
    private <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The directory this ledger owns. */
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            dispatcher.clear();
            metrics.close();
            try {
                journal.close();
            } finally {
                directoryLock.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("closing ledger " + directory, e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "LocalLedger[" + directory + "]";
    }
}
