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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local ledger: an in-process ledger that enforces the on-chain program's rules (docs/protocol.md, "Signer sets and
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
 * <p>Bounded with snapshots ({@link Builder#snapshotEveryRecords}): at each snapshot the state older than
 * {@code ledger_retention_hours} is pruned ({@link LedgerState#prune}: finalized epochs and their bundles; the
 * signer sets' last sequences, the markets and their latest values stay), and old journal segments and snapshots
 * are deleted. Reads of pruned bundles and epochs return empty, "beyond the ledger's retention".
 */
public final class LocalLedger implements Ledger {
    private static final Logger LOG = LoggerFactory.getLogger(LocalLedger.class);
    /** Default limit on the signed bundle bytes of one reveal. */
    public static final int DEFAULT_MAX_SIGNED_BUNDLE_BYTES = 1 << 20;
    static final String JOURNAL_FILE = "journal.m0l";
    /** Default bound of the in-memory event list (about 20 MB of events). */
    public static final int DEFAULT_MAX_EVENTS_IN_MEMORY = 100_000;
    /** Default {@code ledger_retention_hours}. */
    public static final long DEFAULT_RETENTION_HOURS = 24;

    private final Path directory;
    private final DirectoryLock directoryLock;
    private final SlotClock clock;
    private final LedgerState state;
    private Journal journal;
    /** Records before the live segment's first record (its base). */
    private long liveBase;
    private long lastSnapshotRecords;
    private long lastRecordTimeMs;
    private final long snapshotEveryRecords;
    private final long retentionMs;
    private final LedgerMetrics metrics;
    private final EventDispatcher dispatcher;
    private final LedgerState.RevealLimits limits;
    private final boolean requireQuorum;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile String broken;

    private LocalLedger(Builder b, DirectoryLock directoryLock, Restored restored) {
        this.directory = b.directory;
        this.directoryLock = directoryLock;
        this.state = restored.state();
        this.journal = restored.live();
        this.liveBase = restored.liveBase();
        this.lastSnapshotRecords = restored.snapshotRecords();
        this.lastRecordTimeMs = restored.lastTimeMs();
        this.snapshotEveryRecords = b.snapshotEveryRecords;
        this.retentionMs = b.retentionMs;
        this.clock = new SlotClock(b.clock, journal.genesisMs());
        this.clock.advanceTo(restored.lastTimeMs());
        this.limits = new LedgerState.RevealLimits(b.maxSignedBundleBytes, true);
        this.requireQuorum = b.requireQuorum;
        this.metrics = new LedgerMetrics(b.registry, this::currentSlot);
        for (int i = 0; i < restored.unusableSnapshots(); i++) {
            metrics.snapshotUnusable();
        }
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
     * --truncate-at OFFSET}): cuts the live journal segment ({@code <directory>/journal.m0l}, or the newest
     * {@code journal-<N>.m0l} once snapshots started segments) at {@code offset}, which must be a frame boundary
     * (the offset the refusal named), and rewrites the acknowledgement marker. Records from the offset on are lost;
     * the reconciler reports every publish record they backed as a mismatch after the restart. The ledger must not be
     * open (the directory lock is taken). Returns the bytes dropped.
     */
    public static long recoverTruncateAt(Path directory, long offset) throws IOException {
        try (DirectoryLock lock = DirectoryLock.acquire(directory)) {
            return Journal.recoverTruncateAt(JournalSegments.live(directory), offset);
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
        private long snapshotEveryRecords;
        private long retentionMs = DEFAULT_RETENTION_HOURS * 3_600_000L;

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
         * {@link com.m0club.chain.EventsExpiredException} naming the oldest index kept. Bounds the event list's heap.
         */
        public Builder maxEventsInMemory(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("ledger_max_events_in_memory must be >= 1, got " + events);
            }
            this.maxEventsInMemory = events;
            return this;
        }

        /**
         * Writes a snapshot of the state every {@code records} journal records (not at {@link #close}), and starts a
         * new journal segment after it ({@code ledger_snapshot_interval_records}); 0 (the builder's default) never
         * snapshots, and the journal is one file that grows without bound.
         */
        public Builder snapshotEveryRecords(long records) {
            if (records < 0) {
                throw new IllegalArgumentException("ledger_snapshot_interval_records must be >= 0, got " + records);
            }
            this.snapshotEveryRecords = records;
            return this;
        }

        /**
         * How long sealed journal segments and older snapshots are kept ({@code ledger_retention_hours}, default
         * {@value #DEFAULT_RETENTION_HOURS}); the newest two snapshots and every segment after the older of them are
         * kept whatever their age. Only matters with {@link #snapshotEveryRecords}.
         */
        public Builder retentionHours(long hours) {
            if (hours < 0) {
                throw new IllegalArgumentException("ledger_retention_hours must be >= 0, got " + hours);
            }
            this.retentionMs = hours * 3_600_000L;
            return this;
        }

        /**
         * Accepts signer sets with threshold 1. Only the dev profile may ask for this (docs/protocol.md: {@code 2 <= m}
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
                Restored restored = restore(directory, clock.millis(), maxEventsInMemory, retentionMs);
                try {
                    return new LocalLedger(this, dirLock, restored);
                } catch (RuntimeException e) {
                    restored.live().close();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                dirLock.close();
                throw e;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ open

    /** What an open rebuilt: the state, the live segment (open for appends) and where the last snapshot was. */
    private record Restored(LedgerState state, Journal live, long liveBase, long snapshotRecords, long lastTimeMs,
            int unusableSnapshots) {}

    /**
     * Rebuilds the state: the newest snapshot that reads back whole (a damaged one is skipped with a warning and the
     * one before it is used), then every later record of the journal segments, in order. Refuses
     * ({@link JournalCorruptedException}) rather than start from a partial state: when no usable snapshot is left
     * and the journal no longer starts at record 1, when the segments have a gap, or when a snapshot covers records
     * the journal does not have. Every segment boundary after the snapshot was a snapshot point of the live ledger,
     * so the state is pruned there as the live ledger pruned it ({@link LedgerState#prune}).
     */
    private static Restored restore(Path directory, long genesisIfNew, int maxEvents, long retentionMs)
            throws IOException {
        List<JournalSegments.Segment> segments = JournalSegments.list(directory);
        List<LedgerSnapshot.Named> snapshots = LedgerSnapshot.list(directory);
        LedgerState state = null;
        LedgerSnapshot used = null;
        int unusable = 0;
        for (LedgerSnapshot.Named named : snapshots) {
            try {
                LedgerSnapshot snap = LedgerSnapshot.fromBytes(Files.readAllBytes(named.file()));
                if (snap.records() != named.records()) {
                    throw new IOException("it says it covers " + snap.records() + " records, its name says "
                            + named.records());
                }
                if (segments.stream().noneMatch(seg -> seg.base() <= snap.records())) {
                    throw new IOException("no journal segment holds the records after it (record "
                            + (snap.records() + 1) + " on)");
                }
                state = snap.decodeState(maxEvents);
                used = snap;
                break;
            } catch (IOException e) {
                unusable++;
                LOG.warn("ledger snapshot {} is unusable ({}); falling back to the snapshot before it", named.file(),
                        e.getMessage());
            }
        }
        if (state == null) {
            if (!segments.isEmpty() && segments.getFirst().base() > 0) {
                Path named = snapshots.isEmpty() ? segments.getFirst().file() : snapshots.getFirst().file();
                throw new JournalCorruptedException(named.toString(), 0, (snapshots.isEmpty()
                        ? "there is no snapshot" : "none of the " + snapshots.size() + " snapshots is usable")
                        + " and the oldest journal segment " + segments.getFirst().file() + " starts after record "
                        + segments.getFirst().base() + " (earlier segments were deleted by the retention); the state"
                        + " cannot be rebuilt without them and the ledger refuses to start from a partial state");
            }
            state = new LedgerState();
            state.maxEventsInMemory(maxEvents);
        }
        long covered = used == null ? 0 : used.records();
        Replayer replayer = new Replayer(state, covered, used == null ? Long.MIN_VALUE : used.lastTimeMs());
        if (segments.isEmpty()) {
            segments = List.of(new JournalSegments.Segment(JournalSegments.fileFor(directory, 0), 0));
        }
        int first = 0;
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).base() <= covered) {
                first = i;
            }
        }
        long genesis = used == null ? genesisIfNew : used.genesisMs();
        Journal live = null;
        long expectedBase = segments.get(first).base();
        for (int i = first; i < segments.size(); i++) {
            JournalSegments.Segment seg = segments.get(i);
            if (seg.base() != expectedBase) {
                throw new JournalCorruptedException(seg.file().toString(), 0, "this segment starts after record "
                        + seg.base() + " but the segment before it ends at record " + expectedBase
                        + " (a segment is missing)");
            }
            if (seg.base() > covered) {
                state.prune(pruneCutoff(replayer.lastTimeMs, retentionMs));
            }
            replayer.segment(seg.file().toString(), seg.base());
            Journal j = Journal.open(seg.file(), genesis, replayer);
            if (j.genesisMs() != genesis && used != null) {
                j.close();
                throw new JournalCorruptedException(seg.file().toString(), 12, "its genesis " + j.genesisMs()
                        + " differs from the snapshot's " + genesis + " (a segment of another ledger)");
            }
            genesis = j.genesisMs();
            expectedBase = seg.base() + j.records();
            if (i == segments.size() - 1) {
                live = j;
            } else {
                j.close();
            }
        }
        if (expectedBase < covered) {
            live.close();
            throw new JournalCorruptedException(segments.getLast().file().toString(), 0, "the snapshot covers "
                    + covered + " records but the journal ends at record " + expectedBase + " (acknowledged records"
                    + " are missing from the journal: a segment was deleted or cut)");
        }
        return new Restored(state, live, segments.getLast().base(), covered, replayer.lastTimeMs, unusable);
    }

    // ------------------------------------------------------------------------------------------------ snapshots

    /**
     * Under the write lock: writes a snapshot covering every record so far, starts a new journal segment after it and
     * applies the retention. A failure is logged and counted and changes nothing: the current segment stays live.
     */
    private void snapshotAndRotate() {
        long records = liveBase + journal.records();
        try {
            LedgerState.Pruned pruned = state.prune(pruneCutoff(lastRecordTimeMs, retentionMs));
            if (pruned.any()) {
                metrics.pruned(pruned);
                LOG.info("ledger {}: pruned the state of {} finalized epochs, {} bundles and {} dead commitments"
                        + " older than {} h", directory, pruned.epochs(), pruned.bundles(), pruned.commitments(),
                        retentionMs / 3_600_000L);
            }
            Path file = LedgerSnapshot.of(state, journal.genesisMs(), records, lastRecordTimeMs).write(directory);
            lastSnapshotRecords = records;
            metrics.snapshotWritten(true);
            if (journal.records() > 0) {
                Journal next = Journal.open(JournalSegments.fileFor(directory, records), journal.genesisMs(),
                        (o, off, p) -> {
                            throw new IllegalStateException("a new journal segment has records");
                        });
                journal.close();
                journal = next;
                liveBase = records;
            }
            LOG.info("ledger {}: snapshot {} after record {}; live journal segment {}", directory, file.getFileName(),
                    records, journal.file().getFileName());
            applyRetention();
        } catch (IOException | RuntimeException e) {
            metrics.snapshotWritten(false);
            LOG.error("ledger {}: snapshot after record {} failed, the journal keeps growing in {}: {}", directory,
                    records, journal.file(), e.toString());
        }
    }

    /** Ledger time before which {@link LedgerState#prune} drops history: the last record's time minus the retention. */
    private static long pruneCutoff(long lastRecordTimeMs, long retentionMs) {
        return lastRecordTimeMs == Long.MIN_VALUE ? Long.MIN_VALUE : lastRecordTimeMs - retentionMs;
    }

    /**
     * Deletes sealed segments and snapshots older than the retention, keeping the newest two snapshots and every
     * segment after the older of them (so a damaged newest snapshot still has one to fall back to).
     */
    private void applyRetention() throws IOException {
        long cutoff = clock.now().timeMs() - retentionMs;
        List<LedgerSnapshot.Named> snapshots = LedgerSnapshot.list(directory);
        long keepFrom = snapshots.size() >= 2 ? snapshots.get(1).records() : 0;
        List<JournalSegments.Segment> segments = JournalSegments.list(directory);
        int deleted = 0;
        for (int i = 0; i < segments.size() - 1; i++) {
            JournalSegments.Segment seg = segments.get(i);
            if (segments.get(i + 1).base() <= keepFrom && olderThan(seg.file(), cutoff)) {
                Files.deleteIfExists(AckMarker.fileFor(seg.file()));
                Files.delete(seg.file());
                deleted++;
            }
        }
        for (int i = 2; i < snapshots.size(); i++) {
            if (olderThan(snapshots.get(i).file(), cutoff)) {
                Files.delete(snapshots.get(i).file());
                deleted++;
            }
        }
        if (deleted > 0) {
            Journal.forceDirectory(directory.toAbsolutePath());
            metrics.retentionDeleted(deleted);
            LOG.info("ledger {}: retention deleted {} journal segments and snapshots older than {} h", directory,
                    deleted, retentionMs / 3_600_000L);
        }
    }

    private static boolean olderThan(Path file, long cutoffMs) throws IOException {
        return Files.getLastModifiedTime(file).toMillis() <= cutoffMs;
    }

    /** Bytes of the journal segments and snapshots in the directory now (for metrics and the growth figures). */
    public long journalBytes() throws IOException {
        long total = 0;
        for (JournalSegments.Segment seg : JournalSegments.list(directory)) {
            total += Files.size(seg.file());
        }
        for (LedgerSnapshot.Named snap : LedgerSnapshot.list(directory)) {
            total += Files.size(snap.file());
        }
        return total;
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
            return changes ? go((t, tx, seg, off) -> {
                apply.run();
                return Done.INSTANCE;
            }) : noop(Done.INSTANCE);
        }
    }

    @FunctionalInterface
    private interface Applier {
        Object apply(LedgerTime time, String transactionId, long segment, long frameOffset);
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
                    .orElseGet(() -> Plan.go((t, tx, seg, off) -> state.applyCommit(c.commitHash(),
                            c.signerSetId(),
                            c.sequence(), t, tx)));
            case JournalRecord.Reveal v -> switch (state.checkReveal(v.signedBundleBytes(), v.salt(), now, limits)) {
                case LedgerState.RevealCheck.AlreadyRevealed a -> Plan.noop(a.receipt());
                case LedgerState.RevealCheck.Accept a -> Plan.go((t, tx, seg, off) ->
                        state.applyReveal(a, t, tx, seg, off));
            };
            case JournalRecord.Finalize f -> state.checkFinalize(f.market(), f.epochId(), now)
                    .map(Plan::noop)
                    .orElseGet(() -> Plan.go((t, tx, seg, off) -> state.applyFinalize(f.market(), f.epochId(), t,
                            tx)));
        };
    }

    static String transactionId(long ordinal) {
        return "local-" + ordinal;
    }

    /** Rebuilds the state from the journal, record by record, through the same rules. */
    private static final class Replayer implements Journal.FrameVisitor {
        private final LedgerState state;
        private final long skipThrough;
        private String file;
        private long base;
        long lastTimeMs;
        /** Global ordinal of the last record seen (replayed or skipped). */
        long lastRecord;

        /** Replays into {@code state} every record after global record {@code skipThrough}. */
        Replayer(LedgerState state, long skipThrough, long lastTimeMs) {
            this.state = state;
            this.skipThrough = skipThrough;
            this.lastTimeMs = lastTimeMs;
        }

        void segment(String file, long base) {
            this.file = file;
            this.base = base;
            this.lastRecord = base;
        }

        @Override
        public void visit(long localOrdinal, long frameOffset, byte[] payload) {
            long ordinal = base + localOrdinal;
            lastRecord = ordinal;
            if (ordinal <= skipThrough) {
                return;
            }
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
            plan.applier().apply(time, transactionId(ordinal), base, frameOffset);
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
            long ordinal = liveBase + journal.records() + 1;
            long offset = appendDurably(new JournalRecord.Stamped(now, record));
            clock.advanceTo(now.timeMs());
            lastRecordTimeMs = now.timeMs();
            result = plan.applier().apply(now, transactionId(ordinal), liveBase, offset);
            switch (record) {
                case JournalRecord.Commit c -> metrics.committed();
                case JournalRecord.Reveal r -> metrics.revealed();
                case JournalRecord.Finalize f -> metrics.finalizedEpoch();
                default -> { }
            }
            if (snapshotEveryRecords > 0
                    && liveBase + journal.records() - lastSnapshotRecords >= snapshotEveryRecords) {
                snapshotAndRotate();
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
            Optional<byte[]> payload = read(() -> revealPayload(entry.get()));
            if (payload.isEmpty()) {
                return Optional.empty();
            }
            JournalRecord.Stamped stamped = JournalCodec.decode(payload.get());
            if (!(stamped.record() instanceof JournalRecord.Reveal reveal)) {
                throw new JournalCorruptedException(journal.file().toString(), entry.get().frameOffset(),
                        "expected a reveal record for bundle " + bundleHash.toHex());
            }
            return Optional.of(new RevealedBundle(entry.get().receipt(), reveal.signedBundleBytes(), reveal.salt()));
        } catch (IOException | UncheckedIOException e) {
            metrics.journalFailed();
            throw new UncheckedIOException("ledger journal " + journal.file() + ": cannot read back the reveal of "
                    + bundleHash.toHex(), e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
    }

    /** The reveal's journal frame; empty once its sealed segment was deleted by the retention. Under the lock. */
    private Optional<byte[]> revealPayload(LedgerState.RevealEntry entry) {
        try {
            if (entry.segment() == liveBase) {
                return Optional.of(journal.readPayload(entry.frameOffset()));
            }
            Path sealed = JournalSegments.fileFor(directory, entry.segment());
            if (!Files.exists(sealed)) {
                return Optional.empty();
            }
            return Optional.of(Journal.readPayload(sealed, entry.frameOffset()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    /**
     * Index of the oldest event still kept in memory ({@link Builder#maxEventsInMemory}); after an open from a
     * snapshot, the snapshot's event index. Same as {@link #oldestEventIndex()}.
     */
    public long firstEventIndex() {
        return read(() -> state.firstEventIndex());
    }

    @Override
    public long oldestEventIndex() {
        return firstEventIndex();
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

    /**
     * The canonical encoding of the state ({@link LedgerState#encode} without journal locations): equal bytes mean
     * equal ledgers, however their journals were compacted.
     */
    byte[] canonicalState() {
        return read(() -> {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
                state.encode(out, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        });
    }

    /** The live state, for tests of the snapshot codec in this package only. */
    LedgerState stateForTests() {
        return state;
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
            // No snapshot at close: a reopen replays the records since the last periodic snapshot (at most one
            // interval) and so keeps their events for readers behind it (the reconciler, the commit audit) across a
            // clean restart; a snapshot here would drop them.
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
