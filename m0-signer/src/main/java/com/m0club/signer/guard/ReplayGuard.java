package com.m0club.signer.guard;

import com.m0club.protocol.Checks;
import com.m0club.protocol.hash.Hash32;
import com.m0club.signer.RefusalReason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's durable memory of what it signed, which is what makes "never double-sign" hold across crashes and
 * restarts.
 *
 * <p>Per signer set it keeps a high-water mark (the highest sequence signed) and the last {@code retained}
 * (sequence -> bundle hash) pairs. A request for {@code (set, sequence, hash)} is authorized only when
 * <ul>
 *   <li>{@code sequence} is above the set's high-water mark, or</li>
 *   <li>{@code sequence} was already signed for the same {@code hash} and is still retained (an idempotent retry:
 *       Ed25519 is deterministic, so signing again returns the same bytes).</li>
 * </ul>
 * Everything else is refused: another hash at a signed sequence is a double sign ({@link
 * RefusalReason#SEQUENCE_CONFLICT}); a sequence at or below the mark that is not retained is refused too ({@link
 * RefusalReason#SEQUENCE_BELOW_HIGH_WATER_MARK}), including gaps the agent skipped, because the agent cannot tell
 * whether it signed them before its retained window began.
 *
 * <p>Every authorization, retries included, is appended to the {@link ReplayJournal} and forced to disk
 * <em>before</em> {@link #authorize} returns, so no signature can leave the agent that a restart would forget. If
 * the journal cannot be written, the guard fails closed: it refuses everything until the agent is restarted (and
 * recovery truncates whatever was half-written).
 *
 * <p>Thread-safe: decisions are serialized (one fsync each), which is what an agent signing a few bundles a second
 * needs. A {@link ReentrantLock} rather than {@code synchronized}, so a virtual thread waiting on the fsync does not
 * pin its carrier on Java 21.
 */
public final class ReplayGuard implements AutoCloseable {
    /** Retained (sequence -> hash) pairs per set, for idempotent retries. */
    public static final int DEFAULT_RETAINED = 1024;
    /** How far above its high-water mark a sequence may be (default). */
    public static final long DEFAULT_MAX_SEQUENCE_GAP = 1000;
    /** Name of the "this key has signed" marker written beside the key file ({@code <key file>.signed}). */
    public static final String SIGNED_MARKER_SUFFIX = ".signed";

    private static final Logger LOG = LoggerFactory.getLogger(ReplayGuard.class);

    private final Path stateDir;
    private final int retained;
    private final int compactAfter;
    private final long maxSequenceGap;
    private final Optional<Path> signedMarker;
    private boolean markerWritten;
    private final ReplayJournal journal;
    private final Map<Long, SetState> sets = new HashMap<>();
    private final Recovery recovery;
    private final ReentrantLock lock = new ReentrantLock();
    private long appendsSinceCompaction;
    private Optional<String> failure = Optional.empty();
    private boolean closed;

    /** What opening found: records read, torn-tail bytes truncated, signer sets known. */
    public record Recovery(long recordsRead, long bytesTruncated, int signerSets) {}

    /** What {@link #recover} did: the files moved aside and the floor written. */
    public record RecoveryResult(Path journal, List<Path> movedAside, long signerSetId, long floor) {}

    private ReplayGuard(Builder b) {
        this.stateDir = b.stateDir;
        this.retained = b.retained;
        this.compactAfter = b.compactAfter;
        this.maxSequenceGap = b.maxSequenceGap;
        this.signedMarker = Optional.ofNullable(b.signedMarker);
        boolean hasSigned = signedMarker.isPresent() && Files.exists(signedMarker.get());
        ReplayJournal.Contents contents = ReplayJournal.open(stateDir, b.publicKey, hasSigned);
        this.journal = contents.journal();
        try {
            if (!contents.repaired().isEmpty()) {
                LOG.warn("replay journal {}: repaired from its second copy: {} (the damaged files are kept beside it "
                        + "as *.damaged-<millis>); nothing acknowledged was lost", journal.file(), contents.repaired());
            }
            if (!contents.entries().isEmpty() || hasSigned) {
                writeMarker();
            }
            for (JournalEntry e : contents.entries()) {
                apply(e, true);
            }
            this.recovery = new Recovery(contents.entries().size(), contents.bytesTruncated(), sets.size());
            if (contents.bytesTruncated() > 0) {
                LOG.warn("replay journal {}: truncated a torn tail of {} bytes left by a crash in the primary write; "
                        + "the mirror never held it, so its signature was never returned", journal.file(),
                        contents.bytesTruncated());
            }
            if (contents.entries().size() > retainedCount()) {
                compact();
            }
        } catch (RuntimeException | IOException e) {
            journal.close();
            if (e instanceof ReplayGuardException rge) {
                throw rge;
            }
            throw new ReplayGuardException("replay journal " + journal.file() + " cannot be opened: "
                    + e.getMessage(), e);
        }
    }

    /** Opens (or creates) the guard whose journal lives in {@code stateDir}, with default retention. */
    public static ReplayGuard open(Path stateDir) {
        return builder(stateDir).open();
    }

    public static Builder builder(Path stateDir) {
        return new Builder(stateDir);
    }

    /**
     * Decides whether this agent may sign {@code bundleHash} at {@code sequence} of {@code signerSetId}. An
     * {@link GuardDecision.Authorized} answer is already durable in the journal.
     *
     * @throws ReplayGuardException when the journal cannot be written (nothing may be signed)
     */
    public GuardDecision authorize(long signerSetId, long sequence, Hash32 bundleHash) {
        lock.lock();
        try {
            return authorizeLocked(signerSetId, sequence, bundleHash);
        } finally {
            lock.unlock();
        }
    }

    private GuardDecision authorizeLocked(long signerSetId, long sequence, Hash32 bundleHash) {
        requireUsable();
        Checks.u32("signer_set_id", signerSetId);
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1, got " + sequence);
        }
        if (bundleHash == null) {
            throw new IllegalArgumentException("bundle_hash is required");
        }
        SetState state = sets.get(signerSetId);
        long mark = state == null ? 0 : state.highWaterMark;
        boolean repeat = false;
        if (sequence > mark && sequence - mark > maxSequenceGap) {
            return new GuardDecision.Refused(RefusalReason.SEQUENCE_GAP_TOO_LARGE,
                    "sequence " + sequence + " of signer set " + signerSetId + " is " + (sequence - mark)
                            + " above this agent's high-water mark " + mark + "; the maximum gap is "
                            + maxSequenceGap + " (a jump this large would stop the signer set)");
        }
        if (sequence <= mark) {
            Hash32 prior = state.signed.get(sequence);
            if (prior == null || sequence <= state.floor) {
                return new GuardDecision.Refused(RefusalReason.SEQUENCE_BELOW_HIGH_WATER_MARK,
                        "sequence " + sequence + " of signer set " + signerSetId + " is at or below this agent's "
                                + "high-water mark " + mark + " and is not a retry of a bundle it signed (it keeps "
                                + "the last " + retained + " signed sequences"
                                + (state.signed.isEmpty() ? "" : ", from " + state.signed.firstKey())
                                + (state.floor > 0 ? "; recovery floor " + state.floor : "")
                                + "); a new bundle needs a sequence above " + mark);
            }
            if (!prior.equals(bundleHash)) {
                return new GuardDecision.Refused(RefusalReason.SEQUENCE_CONFLICT,
                        "sequence " + sequence + " of signer set " + signerSetId + " was already signed for bundle "
                                + "hash " + prior.toHex() + "; refusing to sign a different bundle hash "
                                + bundleHash.toHex() + " at the same sequence (double sign)");
            }
            repeat = true;
        }
        JournalEntry entry = new JournalEntry(signerSetId, sequence, bundleHash);
        try {
            writeMarker();
            journal.append(entry);
        } catch (IOException | RuntimeException e) {
            fail("appending to the replay journal failed: " + e.getMessage());
            throw new ReplayGuardException("replay journal " + journal.file() + " cannot be written ("
                    + e.getMessage() + "); nothing was signed and the guard now refuses everything until the agent "
                    + "restarts", e);
        }
        apply(entry, false);
        appendsSinceCompaction++;
        if (appendsSinceCompaction >= compactAfter) {
            try {
                compact();
            } catch (IOException | RuntimeException e) {
                // This request's record is durable, so its answer stands; later ones must wait for a restart.
                fail("compacting the replay journal failed: " + e.getMessage());
                LOG.error("replay journal {}: compaction failed, refusing further signatures until restart",
                        journal.file(), e);
            }
        }
        return new GuardDecision.Authorized(repeat, sets.get(signerSetId).highWaterMark);
    }

    /** The highest sequence signed for {@code signerSetId}, or 0 when none. */
    public long highWaterMark(long signerSetId) {
        lock.lock();
        try {
            SetState s = sets.get(signerSetId);
            return s == null ? 0 : s.highWaterMark;
        } finally {
            lock.unlock();
        }
    }

    /** The hash signed at {@code sequence} of {@code signerSetId}, while that sequence is retained. */
    public Optional<Hash32> signedHash(long signerSetId, long sequence) {
        lock.lock();
        try {
            SetState s = sets.get(signerSetId);
            return s == null ? Optional.empty() : Optional.ofNullable(s.signed.get(sequence));
        } finally {
            lock.unlock();
        }
    }

    /** What opening the journal found. */
    /** Why the guard refuses everything since a journal write failed (until restart); empty while healthy. */
    public Optional<String> failure() {
        lock.lock();
        try {
            return closed ? Optional.of("the replay guard is closed") : failure;
        } finally {
            lock.unlock();
        }
    }

    public Recovery recovery() {
        return recovery;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                journal.close();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ReplayGuard[" + stateDir + ", retained=" + retained + "]";
    }

    private void requireUsable() {
        if (closed) {
            throw new ReplayGuardException("replay guard " + stateDir + " is closed");
        }
        if (failure.isPresent()) {
            throw new ReplayGuardException("replay guard " + stateDir + " refuses to authorize: " + failure.get()
                    + "; restart the agent to recover the journal");
        }
    }

    /** Writes (once) the marker beside the key that says this key has signed: from now on a lost journal refuses. */
    private void writeMarker() throws IOException {
        if (markerWritten || signedMarker.isEmpty()) {
            return;
        }
        writeMarkerFile(signedMarker.get(), journal.file());
        markerWritten = true;
    }

    private static void writeMarkerFile(Path marker, Path journalFile) throws IOException {
        if (!Files.exists(marker)) {
            Path parent = marker.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
            Files.writeString(tmp, "this key has signed; its replay journal is " + journalFile.toAbsolutePath()
                    + "\nif the journal is lost, see " + ReplayJournal.RUNBOOK + "\n");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(parent, StandardOpenOption.READ)) {
                d.force(true);
            }
        }
    }

    /**
     * Operator recovery ({@code m0 signer-agent recover}): replaces the journal in {@code stateDir} (moved aside, not
     * deleted) with a new one bound to {@code publicKey} whose floor for {@code signerSetId} is {@code minSequence}:
     * the agent then refuses every sequence {@code <= minSequence} of that set. Writes the signed marker too.
     * The agent must not be running (the state dir lock is taken).
     */
    public static RecoveryResult recover(Path stateDir, byte[] publicKey, Path signedMarker, long signerSetId,
            long minSequence) {
        Checks.u32("signer_set_id", signerSetId);
        if (minSequence < 0) {
            throw new IllegalArgumentException("min sequence must be >= 0, got " + minSequence);
        }
        try {
            List<Path> moved = ReplayJournal.recover(stateDir, publicKey,
                    List.of(JournalEntry.floor(signerSetId, minSequence)));
            Path file = stateDir.resolve(ReplayJournal.FILE_NAME);
            if (signedMarker != null) {
                writeMarkerFile(signedMarker, file);
            }
            return new RecoveryResult(file, moved, signerSetId, minSequence);
        } catch (IOException e) {
            throw new ReplayGuardException("replay journal in " + stateDir + " cannot be recovered: "
                    + e.getMessage(), e);
        }
    }

    private void fail(String why) {
        failure = Optional.of(why);
    }

    private void apply(JournalEntry e, boolean replaying) {
        SetState s = sets.computeIfAbsent(e.signerSetId(), k -> new SetState());
        if (e.floor()) {
            s.floor = Math.max(s.floor, e.sequence());
            s.highWaterMark = Math.max(s.highWaterMark, e.sequence());
            s.signed.headMap(s.floor, true).clear();
            return;
        }
        Hash32 prior = s.signed.get(e.sequence());
        if (prior != null && !prior.equals(e.bundleHash())) {
            // Only possible if the file was edited: authorize never journals a conflicting pair.
            throw new ReplayGuardException("replay journal " + journal.file() + " records two bundle hashes ("
                    + prior.toHex() + ", " + e.bundleHash().toHex() + ") for sequence " + e.sequence()
                    + " of signer set " + e.signerSetId() + (replaying ? "; refusing to start" : ""));
        }
        s.signed.put(e.sequence(), e.bundleHash());
        s.highWaterMark = Math.max(s.highWaterMark, e.sequence());
        while (s.signed.size() > retained) {
            s.signed.pollFirstEntry(); // never the high-water mark itself: it is the largest key
        }
    }

    private int retainedCount() {
        int n = 0;
        for (SetState s : sets.values()) {
            n += s.signed.size();
        }
        return n;
    }

    /** Rewrites the journal as exactly the retained pairs of every set (which include every high-water mark). */
    private void compact() throws IOException {
        List<JournalEntry> entries = new ArrayList<>(retainedCount() + sets.size());
        new TreeMap<>(sets).forEach((set, s) -> {
            if (s.floor > 0 || s.signed.isEmpty()) {
                entries.add(JournalEntry.floor(set, Math.max(s.floor, s.signed.isEmpty() ? s.highWaterMark : 0)));
            }
            s.signed.forEach((seq, hash) -> entries.add(new JournalEntry(set, seq, hash)));
        });
        journal.rewrite(entries);
        appendsSinceCompaction = 0;
    }

    private static final class SetState {
        long highWaterMark;
        long floor;
        final TreeMap<Long, Hash32> signed = new TreeMap<>();
    }

    /** Options for opening a guard. */
    public static final class Builder {
        private final Path stateDir;
        private int retained = DEFAULT_RETAINED;
        private int compactAfter = -1;
        private long maxSequenceGap = DEFAULT_MAX_SEQUENCE_GAP;
        private byte[] publicKey = ReplayJournal.UNBOUND;
        private Path signedMarker;

        private Builder(Path stateDir) {
            if (stateDir == null) {
                throw new IllegalArgumentException("state dir is required");
            }
            this.stateDir = stateDir;
        }

        /** How many (sequence -> hash) pairs to keep per set for idempotent retries (default 1024). */
        public Builder retainedSequences(int retained) {
            if (retained < 1) {
                throw new IllegalArgumentException("retained sequences must be >= 1, got " + retained);
            }
            this.retained = retained;
            return this;
        }

        /** Compact the journal after this many appends (default 8 x retained). */
        public Builder compactAfterAppends(int appends) {
            if (appends < 1) {
                throw new IllegalArgumentException("compact-after appends must be >= 1, got " + appends);
            }
            this.compactAfter = appends;
            return this;
        }

        /** Refuse a sequence more than this above the set's high-water mark (default 1000). */
        public Builder maxSequenceGap(long gap) {
            if (gap < 1) {
                throw new IllegalArgumentException("max sequence gap must be >= 1, got " + gap);
            }
            this.maxSequenceGap = gap;
            return this;
        }

        /** Binds the journal to this 32-byte public key: a journal of another key refuses to open. */
        public Builder publicKey(byte[] publicKey) {
            if (publicKey == null || publicKey.length != ReplayJournal.KEY_LENGTH) {
                throw new IllegalArgumentException("public key must be " + ReplayJournal.KEY_LENGTH + " bytes");
            }
            this.publicKey = publicKey.clone();
            return this;
        }

        /**
         * The "this key has signed" marker, kept beside the key file ({@code <key file>.signed}): written before the
         * first signature; while it exists, a missing or empty journal refuses to open.
         */
        public Builder signedMarker(Path marker) {
            this.signedMarker = marker;
            return this;
        }

        public ReplayGuard open() {
            if (compactAfter < 0) {
                compactAfter = (int) Math.min(Integer.MAX_VALUE, 8L * retained);
            }
            return new ReplayGuard(this);
        }
    }
}
