package com.m0club.chain.local;

import com.m0club.chain.CommitReceipt;
import com.m0club.chain.CommitRecord;
import com.m0club.chain.EpochRecord;
import com.m0club.chain.EpochRef;
import com.m0club.chain.EpochStatus;
import com.m0club.chain.EventsExpiredException;
import com.m0club.chain.FinalizeReceipt;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.LedgerRejection;
import com.m0club.chain.LedgerRejection.Reason;
import com.m0club.chain.MarketValue;
import com.m0club.chain.RevealReceipt;
import com.m0club.protocol.Checks;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.ItemRules;
import com.m0club.protocol.registry.ItemViolation;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.sign.Commitment;
import com.m0club.protocol.sign.QuorumCheck;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.time.EpochSchedule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Everything the ledger holds, and the rules of commit, reveal and finalize. Each call comes in two halves: a
 * {@code check} that reads the state and either refuses ({@link LedgerRejection}), answers an idempotent repeat with
 * the original receipt, or says "go ahead"; and an {@code apply} that changes the state and appends the events. The
 * ledger writes the journal between the two, so nothing changes in memory that is not durable, and replaying the
 * journal runs the same checks against the same recorded times.
 *
 * <p>Not thread-safe: the ledger's read-write lock guards it.
 */
final class LedgerState {
    private final SignerSets sets = new SignerSets();
    private final MarketRegistry markets = new MarketRegistry();
    private final Map<Hash32, CommitEntry> commits = new HashMap<>();
    private final Map<SetSequence, Hash32> commitBySequence = new HashMap<>();
    private final Map<Hash32, RevealEntry> reveals = new HashMap<>();
    private final Map<MarketId, MarketValue> latest = new HashMap<>();
    private final Map<EpochKey, EpochEntry> epochs = new HashMap<>();
    private final Set<EpochKey> awaitingFinalization = new LinkedHashSet<>();
    /**
     * Per market, the highest epoch id whose state was pruned ({@link #prune}): epochs up to it are beyond the
     * ledger's retention, closed for good (items for them are refused) and read as empty.
     */
    private final Map<MarketId, Long> prunedThrough = new HashMap<>();
    /** The newest events, {@code events.get(i)} having index {@code firstIndex + i}; at most ~maxEvents kept. */
    private final List<LedgerEvent> events = new ArrayList<>();
    private long firstIndex;
    private long nextIndex;
    private int maxEvents = Integer.MAX_VALUE;

    private record SetSequence(long signerSetId, long sequence) {}

    private record EpochKey(MarketId market, long epochId) {}

    private static final class CommitEntry {
        final CommitReceipt receipt;
        RevealReceipt reveal;

        CommitEntry(CommitReceipt receipt) {
            this.receipt = receipt;
        }
    }

    /**
     * Where a reveal's bytes are: the journal frame that recorded it, in the segment whose first record follows
     * record {@code segment} (the segment's base; 0 for {@code journal.m0l}).
     */
    record RevealEntry(RevealReceipt receipt, long segment, long frameOffset) {}

    private static final class EpochEntry {
        final MarketId market;
        final long epochId;
        final long startMs;
        final long endMs;
        int accepted;
        MarketValue canonical;
        FinalizeReceipt finalized;

        EpochEntry(MarketId market, long epochId, long startMs, long endMs) {
            this.market = market;
            this.epochId = epochId;
            this.startMs = startMs;
            this.endMs = endMs;
        }

        EpochRecord toRecord() {
            EpochStatus status = finalized != null ? EpochStatus.FINALIZED
                    : accepted > 0 ? EpochStatus.REVEALED : EpochStatus.OPEN;
            return new EpochRecord(market, epochId, startMs, endMs, status, accepted, Optional.ofNullable(canonical),
                    finalized == null ? OptionalLong.empty() : OptionalLong.of(finalized.slot()),
                    finalized == null ? OptionalLong.empty() : OptionalLong.of(finalized.timeMs()));
        }
    }

    /** What a reveal check decided. */
    sealed interface RevealCheck {
        /** The commitment was already revealed: answer with the original receipt, change nothing. */
        record AlreadyRevealed(RevealReceipt receipt) implements RevealCheck {}

        /** Every rule holds: apply. */
        record Accept(SignedBundle signed, Hash32 commitHash) implements RevealCheck {}
    }

    /**
     * Limits that depend on configuration rather than on the ledger's state. Replay uses {@link #REPLAY}: a record in
     * the journal passed them when it was written, and a later configuration change must not make it unreadable.
     */
    record RevealLimits(int maxSignedBundleBytes, boolean verifySignatures) {
        static final RevealLimits REPLAY = new RevealLimits(Integer.MAX_VALUE, false);
    }

    SignerSets signerSets() {
        return sets;
    }

    MarketRegistry markets() {
        return markets;
    }

    // ------------------------------------------------------------------------------------------------ commit

    /** Present: an idempotent repeat, answer with this receipt. Empty: go ahead. */
    Optional<CommitReceipt> checkCommit(Hash32 commitHash, long signerSetId, long sequence) {
        if (signerSetId < 0 || signerSetId > Checks.U32_MAX) {
            throw new LedgerRejection(Reason.MALFORMED, "signer_set_id must be a u32, got " + signerSetId);
        }
        if (sequence < 1) {
            throw new LedgerRejection(Reason.MALFORMED, "sequence must be >= 1, got " + sequence);
        }
        CommitEntry existing = commits.get(commitHash);
        if (existing != null) {
            CommitReceipt r = existing.receipt;
            if (r.signerSetId() == signerSetId && r.sequence() == sequence) {
                return Optional.of(r);
            }
            throw new LedgerRejection(Reason.COMMIT_HASH_REUSED, "commit hash " + commitHash.toHex()
                    + " is already committed for set " + r.signerSetId() + " sequence " + r.sequence()
                    + ", not set " + signerSetId + " sequence " + sequence);
        }
        String context = "commit for set " + signerSetId + " sequence " + sequence;
        sets.requireActive(signerSetId, context);
        long last = sets.lastSequence(signerSetId);
        if (sequence <= last) {
            throw new LedgerRejection(Reason.SEQUENCE_NOT_INCREASING, context + ": sequence " + sequence
                    + " is not above set " + signerSetId + "'s last accepted sequence " + last);
        }
        Hash32 other = commitBySequence.get(new SetSequence(signerSetId, sequence));
        if (other != null) {
            throw new LedgerRejection(Reason.DUPLICATE_COMMIT_SEQUENCE, context + ": commitment " + other.toHex()
                    + " is already pending for this (set, sequence); a sequence is never reused for another bundle,"
                    + " so commit " + commitHash.toHex() + " under a new sequence");
        }
        return Optional.empty();
    }

    CommitReceipt applyCommit(Hash32 commitHash, long signerSetId, long sequence, LedgerTime time, String txId) {
        CommitReceipt receipt = new CommitReceipt(commitHash, signerSetId, sequence, time.slot(), time.timeMs(), txId);
        commits.put(commitHash, new CommitEntry(receipt));
        commitBySequence.put(new SetSequence(signerSetId, sequence), commitHash);
        appendEvent(new LedgerEvent.Committed(nextIndex, time.slot(), time.timeMs(), txId, commitHash, signerSetId,
                sequence));
        return receipt;
    }

    // ------------------------------------------------------------------------------------------------ reveal

    RevealCheck checkReveal(byte[] signedBundleBytes, byte[] salt, LedgerTime now, RevealLimits limits) {
        if (signedBundleBytes.length > limits.maxSignedBundleBytes()) {
            throw new LedgerRejection(Reason.TOO_LARGE, "signed bundle is " + signedBundleBytes.length
                    + " bytes, the ledger accepts at most " + limits.maxSignedBundleBytes() + " (max_bundle_bytes)");
        }
        if (salt.length != 32) {
            throw new LedgerRejection(Reason.MALFORMED, "salt must be 32 bytes, got " + salt.length);
        }
        SignedBundle signed;
        Hash32 commitHash;
        try {
            signed = BundleCodec.decodeSigned(signedBundleBytes);
            commitHash = Commitment.commitHash(signed.bundle().bundleHash(), salt);
        } catch (ProtocolException e) {
            throw new LedgerRejection(Reason.MALFORMED, "signed bundle does not decode: " + e.getMessage());
        }
        EncodedBundle bundle = signed.bundle();
        Hash32 bundleHash = bundle.bundleHash();
        long setId = bundle.header().signerSetId();
        long sequence = bundle.header().sequence();
        String context = "reveal of bundle " + bundleHash.toHex() + " (set " + setId + " sequence " + sequence + ")";

        CommitEntry entry = commits.get(commitHash);
        if (entry != null && entry.reveal != null) {
            return new RevealCheck.AlreadyRevealed(entry.reveal);
        }
        if (entry == null) {
            Hash32 committed = commitBySequence.get(new SetSequence(setId, sequence));
            if (committed != null) {
                throw new LedgerRejection(Reason.COMMIT_MISMATCH, context + ": with this salt it opens commit "
                        + commitHash.toHex() + ", but the commitment for set " + setId + " sequence " + sequence
                        + " is " + committed.toHex() + " (wrong salt or another bundle)");
            }
            throw new LedgerRejection(Reason.COMMIT_NOT_FOUND, context + ": no commitment " + commitHash.toHex()
                    + " and none for set " + setId + " sequence " + sequence + "; commit before revealing");
        }
        CommitReceipt commit = entry.receipt;
        if (commit.signerSetId() != setId || commit.sequence() != sequence) {
            throw new LedgerRejection(Reason.COMMIT_MISMATCH, context + ": commitment " + commitHash.toHex()
                    + " was made for set " + commit.signerSetId() + " sequence " + commit.sequence()
                    + " but the bundle header names set " + setId + " sequence " + sequence);
        }
        SignerSet set = sets.requireActive(setId, context);
        if (now.slot() < commit.slot() + 1) {
            throw new LedgerRejection(Reason.REVEAL_TOO_EARLY, context + ": reveal in slot " + now.slot()
                    + ", commit landed in slot " + commit.slot() + "; a reveal may land from slot "
                    + (commit.slot() + 1) + " (min_reveal_delay is one slot)");
        }
        long last = sets.lastSequence(setId);
        if (sequence <= last) {
            throw new LedgerRejection(Reason.SEQUENCE_NOT_INCREASING, context + ": sequence " + sequence
                    + " is not above set " + setId + "'s last accepted sequence " + last);
        }

        List<BundleItem> items = bundle.bundle().items();
        List<Market> itemMarkets = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            itemMarkets.add(markets.require(items.get(i).marketId(), context + ", items[" + i + "]"));
        }
        Market revealBound = minBy(itemMarkets, m -> m.timing().maxRevealDelayMs());
        long revealDelay = revealBound.timing().maxRevealDelayMs();
        if (now.timeMs() - commit.timeMs() > revealDelay) {
            throw new LedgerRejection(Reason.REVEAL_TOO_LATE, context + ": ledger time " + now.timeMs()
                    + " is after commit time " + commit.timeMs() + " + max_reveal_delay_ms " + revealDelay
                    + " (the smallest among the bundle's markets, from market " + revealBound.id() + ")");
        }
        long producedAt = bundle.header().producedAtMs();
        Market skewBound = minBy(itemMarkets, m -> m.timing().maxClockSkewMs());
        long skew = skewBound.timing().maxClockSkewMs();
        if (producedAt - commit.timeMs() > skew) {
            throw new LedgerRejection(Reason.PRODUCED_IN_FUTURE, context + ": header.produced_at_ms " + producedAt
                    + " is later than commit time " + commit.timeMs() + " + max_clock_skew_ms " + skew
                    + " (from market " + skewBound.id() + ")");
        }
        Market staleBound = minBy(itemMarkets, m -> m.timing().maxCommitStalenessMs());
        long staleness = staleBound.timing().maxCommitStalenessMs();
        if (commit.timeMs() - producedAt > staleness) {
            throw new LedgerRejection(Reason.STALE, context + ": header.produced_at_ms " + producedAt
                    + " is older than commit time " + commit.timeMs() + " - max_commit_staleness_ms " + staleness
                    + " (from market " + staleBound.id() + ")");
        }

        for (int i = 0; i < items.size(); i++) {
            checkItem(context + ", items[" + i + "]", items.get(i), itemMarkets.get(i));
        }

        if (limits.verifySignatures()) {
            QuorumCheck quorum = signed.verify(set);
            if (quorum instanceof QuorumCheck.Failed failed) {
                throw new LedgerRejection(Reason.BELOW_THRESHOLD, context + ": " + failed.detail());
            }
        }
        return new RevealCheck.Accept(signed, commitHash);
    }

    private void checkItem(String context, BundleItem item, Market market) {
        MarketId id = market.id();
        Optional<ItemViolation> violation = ItemRules.check(item, market);
        if (violation.isPresent()) {
            throw rejection(context, item, violation.get());
        }
        EpochEntry epoch = epochs.get(new EpochKey(id, item.epochId()));
        if (epoch == null && isPruned(id, item.epochId())) {
            throw new LedgerRejection(Reason.EPOCH_FINALIZED, context + " (market " + id + "): epoch "
                    + item.epochId() + " is beyond the ledger's retention (finalized epochs up to "
                    + prunedThrough.get(id) + " were pruned) and never changes");
        }
        if (epoch != null && (epoch.startMs != item.windowStartMs() || epoch.endMs != item.windowEndMs())) {
            throw new LedgerRejection(Reason.WINDOW_INCONSISTENT, context + " (market " + id + "): epoch "
                    + item.epochId() + " already has window [" + epoch.startMs + ", " + epoch.endMs
                    + ") on the ledger, the item says [" + item.windowStartMs() + ", " + item.windowEndMs() + ")");
        }
        if (epoch != null && epoch.finalized != null) {
            throw new LedgerRejection(Reason.EPOCH_FINALIZED, context + " (market " + id + "): epoch "
                    + item.epochId() + " was finalized in slot " + epoch.finalized.slot() + " and never changes");
        }
    }

    /** The registry rule an item broke ({@link ItemRules}, shared with the signer agents), as a ledger rejection. */
    private static LedgerRejection rejection(String context, BundleItem item, ItemViolation violation) {
        return switch (violation) {
            case ItemViolation.UnknownMarket v -> new LedgerRejection(Reason.MARKET_UNKNOWN, context + ": market "
                    + v.market() + " is not registered");
            case ItemViolation.MarketNotActive v -> new LedgerRejection(Reason.MARKET_NOT_ACTIVE, context
                    + ": market " + v.market() + " is " + v.status()
                    + "; only ACTIVE markets accept items, so the whole bundle is rejected");
            case ItemViolation.WindowOffGrid v -> new LedgerRejection(Reason.WINDOW_INCONSISTENT, context
                    + " (market " + v.market() + "): epoch_id " + item.epochId() + ", tick " + item.tick()
                    + ", window [" + item.windowStartMs() + ", " + item.windowEndMs()
                    + ") is not on the registry grid (epoch_window_ms " + v.schedule().epochWindowMs()
                    + ", publish_cadence_ms " + v.schedule().publishCadenceMs() + ", "
                    + v.schedule().ticksPerEpoch() + " ticks per epoch)");
            case ItemViolation.OutcomesMismatch v -> new LedgerRejection(Reason.OUTCOMES_MISMATCH, context
                    + " (market " + v.market() + "): outcomes " + v.actual() + " are not the market's outcomes "
                    + v.expected());
        };
    }

    private static Market minBy(List<Market> markets, ToLongFunction<Market> f) {
        return markets.stream().min(Comparator.comparingLong(f).thenComparing(Market::id)).orElseThrow();
    }

    RevealReceipt applyReveal(RevealCheck.Accept accept, LedgerTime time, String txId, long segment,
            long frameOffset) {
        EncodedBundle bundle = accept.signed().bundle();
        Hash32 bundleHash = bundle.bundleHash();
        long setId = bundle.header().signerSetId();
        long sequence = bundle.header().sequence();
        List<BundleItem> items = bundle.bundle().items();
        List<RevealReceipt.Item> receiptItems = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            BundleItem item = items.get(i);
            receiptItems.add(new RevealReceipt.Item(item.marketId(), item.epochId(), item.tick(), i));
        }
        RevealReceipt receipt = new RevealReceipt(bundleHash, accept.commitHash(), setId, sequence, time.slot(),
                time.timeMs(), txId, receiptItems);
        commits.get(accept.commitHash()).reveal = receipt;
        sets.advance(setId, sequence);
        reveals.put(bundleHash, new RevealEntry(receipt, segment, frameOffset));
        appendEvent(new LedgerEvent.Revealed(nextIndex, time.slot(), time.timeMs(), txId, bundleHash, setId,
                sequence, accept.commitHash(), items.stream().map(BundleItem::marketId).toList()));
        for (int i = 0; i < items.size(); i++) {
            BundleItem item = items.get(i);
            MarketValue value = new MarketValue(item.marketId(), item, bundleHash, setId, sequence, i, time.slot(),
                    time.timeMs());
            latest.put(item.marketId(), value);
            EpochKey key = new EpochKey(item.marketId(), item.epochId());
            EpochEntry epoch = epochs.computeIfAbsent(key,
                    k -> new EpochEntry(k.market(), k.epochId(), item.windowStartMs(), item.windowEndMs()));
            epoch.accepted++;
            epoch.canonical = value;
            awaitingFinalization.add(key);
            appendEvent(new LedgerEvent.ItemAccepted(nextIndex, time.slot(), time.timeMs(), txId, item.marketId(),
                    item.epochId(), item.tick(), bundleHash, i));
        }
        return receipt;
    }

    // ------------------------------------------------------------------------------------------------ finalize

    /** Present: the epoch is already final, answer with the original receipt. Empty: go ahead. */
    Optional<FinalizeReceipt> checkFinalize(MarketId marketId, long epochId, LedgerTime now) {
        String context = "finalize market " + marketId + " epoch " + epochId;
        Market market = markets.require(marketId, context);
        if (epochId < 0) {
            throw new LedgerRejection(Reason.MALFORMED, context + ": epoch_id must be >= 0");
        }
        EpochEntry epoch = epochs.get(new EpochKey(marketId, epochId));
        if (epoch != null && epoch.finalized != null) {
            return Optional.of(epoch.finalized);
        }
        if (epoch == null && isPruned(marketId, epochId)) {
            throw new LedgerRejection(Reason.NOTHING_TO_FINALIZE, context + ": the epoch is beyond the ledger's"
                    + " retention (finalized epochs up to " + prunedThrough.get(marketId) + " were pruned)");
        }
        long windowEnd;
        if (epoch != null) {
            windowEnd = epoch.endMs;
        } else {
            Optional<EpochSchedule.Epoch> e = scheduledEpoch(market, epochId);
            if (e.isEmpty()) {
                throw new LedgerRejection(Reason.NOTHING_TO_FINALIZE,
                        context + ": epoch id is outside the market's schedule range");
            }
            windowEnd = e.get().endMs();
        }
        long delay = market.timing().finalizationDelayMs();
        long allowedFrom = saturatedAdd(windowEnd, delay);
        if (now.timeMs() < allowedFrom) {
            throw new LedgerRejection(Reason.FINALIZE_TOO_EARLY, context + ": finalizable from ledger time "
                    + allowedFrom + " (window end " + windowEnd + " + finalization_delay_ms " + delay
                    + "), ledger time is " + now.timeMs());
        }
        if (epoch == null || epoch.accepted == 0) {
            throw new LedgerRejection(Reason.NOTHING_TO_FINALIZE,
                    context + ": no item was accepted for this epoch, so there is no canonical value");
        }
        return Optional.empty();
    }

    FinalizeReceipt applyFinalize(MarketId market, long epochId, LedgerTime time, String txId) {
        EpochKey key = new EpochKey(market, epochId);
        EpochEntry epoch = epochs.get(key);
        MarketValue c = epoch.canonical;
        FinalizeReceipt receipt = new FinalizeReceipt(market, epochId, c.bundleHash(), c.leafIndex(), c.sequence(),
                time.slot(), time.timeMs(), txId);
        epoch.finalized = receipt;
        awaitingFinalization.remove(key);
        appendEvent(new LedgerEvent.EpochFinalized(nextIndex, time.slot(), time.timeMs(), txId, market, epochId,
                c.bundleHash(), c.leafIndex()));
        return receipt;
    }

    List<EpochRef> dueForFinalization(long nowMs) {
        List<EpochRef> due = new ArrayList<>();
        for (EpochKey key : awaitingFinalization) {
            EpochEntry e = epochs.get(key);
            Market m = markets.get(key.market()).orElseThrow();
            if (nowMs >= saturatedAdd(e.endMs, m.timing().finalizationDelayMs())) {
                due.add(new EpochRef(key.market(), key.epochId(), e.endMs));
            }
        }
        due.sort(Comparator.comparingLong(EpochRef::windowEndMs).thenComparing(EpochRef::market)
                .thenComparingLong(EpochRef::epochId));
        return due;
    }

    private static Optional<EpochSchedule.Epoch> scheduledEpoch(Market market, long epochId) {
        try {
            return Optional.of(market.schedule().epoch(epochId));
        } catch (ProtocolException e) {
            return Optional.empty();
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    // ------------------------------------------------------------------------------------------------ pruning

    private boolean isPruned(MarketId market, long epochId) {
        Long through = prunedThrough.get(market);
        return through != null && epochId <= through;
    }

    /** What one {@link #prune} dropped. */
    record Pruned(int epochs, int bundles, int commitments) {
        boolean any() {
            return epochs + bundles + commitments > 0;
        }
    }

    /**
     * Drops the state the rules no longer need once its history is older than {@code cutoffMs} (ledger time,
     * {@code ledger_retention_hours} before the last record), so the state and every snapshot stay bounded:
     * <ul>
     *   <li>FINALIZED epochs whose window ended and whose finalization landed before the cutoff, except each market's
     *       newest finalized epoch; the market's {@link #prunedThrough} floor rises to the highest one dropped;</li>
     *   <li>the commitment and reveal of a bundle whose every item's epoch was dropped, except a bundle that holds a
     *       market's {@link #latest} value;</li>
     *   <li>a commitment never revealed, committed before the cutoff, whose sequence is at or below its set's last
     *       accepted sequence (it can never be revealed).</li>
     * </ul>
     * Kept whatever their age: signer sets with their last accepted sequence (the high-water mark that refuses an old
     * sequence), markets, each market's latest value, epochs not yet finalized. A deterministic function of the state
     * and the cutoff, so a replay that prunes at the same records rebuilds the same state.
     */
    Pruned prune(long cutoffMs) {
        Map<MarketId, Long> newestFinalized = new HashMap<>();
        for (EpochEntry e : epochs.values()) {
            if (e.finalized != null) {
                newestFinalized.merge(e.market, e.epochId, Math::max);
            }
        }
        int epochCount = 0;
        for (var it = epochs.values().iterator(); it.hasNext(); ) {
            EpochEntry e = it.next();
            if (e.finalized != null && e.endMs < cutoffMs && e.finalized.timeMs() < cutoffMs
                    && e.epochId != newestFinalized.get(e.market)) {
                it.remove();
                prunedThrough.merge(e.market, e.epochId, Math::max);
                epochCount++;
            }
        }
        Set<Hash32> holdsLatest = new java.util.HashSet<>();
        for (MarketValue v : latest.values()) {
            holdsLatest.add(v.bundleHash());
        }
        int bundleCount = 0;
        for (var it = reveals.values().iterator(); it.hasNext(); ) {
            RevealReceipt r = it.next().receipt();
            if (holdsLatest.contains(r.bundleHash()) || r.timeMs() >= cutoffMs) {
                continue;
            }
            boolean allPruned = true;
            for (RevealReceipt.Item item : r.items()) {
                if (epochs.containsKey(new EpochKey(item.market(), item.epochId()))
                        || !isPruned(item.market(), item.epochId())) {
                    allPruned = false;
                    break;
                }
            }
            if (allPruned) {
                it.remove();
                commits.remove(r.commitHash());
                commitBySequence.remove(new SetSequence(r.signerSetId(), r.sequence()));
                bundleCount++;
            }
        }
        int commitCount = 0;
        for (var it = commits.values().iterator(); it.hasNext(); ) {
            CommitEntry c = it.next();
            CommitReceipt r = c.receipt;
            if (c.reveal == null && r.timeMs() < cutoffMs && r.sequence() <= sets.lastSequence(r.signerSetId())) {
                it.remove();
                commitBySequence.remove(new SetSequence(r.signerSetId(), r.sequence()));
                commitCount++;
            }
        }
        return new Pruned(epochCount, bundleCount, commitCount);
    }

    // ------------------------------------------------------------------------------------------------ reads

    Optional<CommitRecord> commitment(Hash32 commitHash) {
        CommitEntry e = commits.get(commitHash);
        return e == null ? Optional.empty() : Optional.of(new CommitRecord(e.receipt, Optional.ofNullable(e.reveal)));
    }

    Optional<RevealEntry> reveal(Hash32 bundleHash) {
        return Optional.ofNullable(reveals.get(bundleHash));
    }

    Optional<EpochRecord> epoch(MarketId marketId, long epochId) {
        EpochEntry e = epochs.get(new EpochKey(marketId, epochId));
        if (e != null) {
            return Optional.of(e.toRecord());
        }
        if (isPruned(marketId, epochId)) {
            return Optional.empty();
        }
        return markets.get(marketId).flatMap(m -> scheduledEpoch(m, epochId))
                .map(w -> new EpochEntry(marketId, epochId, w.startMs(), w.endMs()).toRecord());
    }

    Optional<MarketValue> latest(MarketId market) {
        return Optional.ofNullable(latest.get(market));
    }

    /** Keeps at most {@code max} events in memory (older ones are dropped as new ones arrive). */
    void maxEventsInMemory(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("ledger_max_events_in_memory must be >= 1, got " + max);
        }
        this.maxEvents = max;
        trim();
    }

    private void appendEvent(LedgerEvent e) {
        events.add(e);
        nextIndex++;
        trim();
    }

    /**
     * Drops whole blocks of {@code max(1, maxEvents / 8)} old events: the oldest index kept is a function of
     * {@code nextIndex} and the bound only, so a replay keeps exactly the window the live ledger had.
     */
    private void trim() {
        if (nextIndex <= maxEvents) {
            return;
        }
        long block = Math.max(1, maxEvents / 8);
        long desiredFirst = ((nextIndex - maxEvents) / block) * block;
        if (desiredFirst > firstIndex) {
            events.subList(0, (int) (desiredFirst - firstIndex)).clear();
            firstIndex = desiredFirst;
        }
    }

    /** Index of the oldest event still kept in memory. */
    long firstEventIndex() {
        return firstIndex;
    }

    /** Events in memory right now (bounded by {@link #maxEventsInMemory}, plus at most an eighth). */
    int eventsInMemory() {
        return events.size();
    }

    List<LedgerEvent> events(long fromIndexInclusive, int max) {
        if (fromIndexInclusive < 0) {
            throw new IllegalArgumentException("fromIndexInclusive must be >= 0, got " + fromIndexInclusive);
        }
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, got " + max);
        }
        if (fromIndexInclusive >= nextIndex) {
            return List.of();
        }
        if (fromIndexInclusive < firstIndex) {
            throw new EventsExpiredException(fromIndexInclusive, firstIndex);
        }
        int from = (int) (fromIndexInclusive - firstIndex);
        int to = (int) Math.min(events.size(), (long) from + max);
        return List.copyOf(events.subList(from, to));
    }

    long nextEventIndex() {
        return nextIndex;
    }

    // ------------------------------------------------------------------------------------------------ snapshot

    /**
     * The snapshot encoding of everything but the event list (see {@link LedgerSnapshot}): deterministic, every map
     * written in key order, so two states that replayed the same records encode to the same bytes. The events are
     * not in it: a ledger opened from a snapshot keeps events from the snapshot's event index on.
     */
    void encode(java.io.DataOutputStream out) throws java.io.IOException {
        encode(out, true);
    }

    /**
     * {@link #encode}, or with {@code locations} false without where each reveal's bytes are in the journal (segment
     * and offset): the canonical form two ledgers with the same history but different compaction share. Only the
     * form with locations decodes.
     */
    void encode(java.io.DataOutputStream out, boolean locations) throws java.io.IOException {
        sets.encode(out);
        markets.encode(out);
        List<Hash32> commitKeys = new ArrayList<>(commits.keySet());
        java.util.Collections.sort(commitKeys);
        out.writeInt(commitKeys.size());
        for (Hash32 h : commitKeys) {
            CommitEntry e = commits.get(h);
            writeCommit(out, e.receipt);
            out.writeBoolean(e.reveal != null);
        }
        List<Hash32> revealKeys = new ArrayList<>(reveals.keySet());
        java.util.Collections.sort(revealKeys);
        out.writeInt(revealKeys.size());
        for (Hash32 h : revealKeys) {
            RevealEntry e = reveals.get(h);
            writeReveal(out, e.receipt());
            if (locations) {
                out.writeLong(e.segment());
                out.writeLong(e.frameOffset());
            }
        }
        List<MarketId> latestKeys = new ArrayList<>(latest.keySet());
        java.util.Collections.sort(latestKeys);
        out.writeInt(latestKeys.size());
        for (MarketId m : latestKeys) {
            writeValue(out, latest.get(m));
        }
        List<EpochKey> epochKeys = new ArrayList<>(epochs.keySet());
        epochKeys.sort(EPOCH_ORDER);
        out.writeInt(epochKeys.size());
        for (EpochKey k : epochKeys) {
            EpochEntry e = epochs.get(k);
            JournalCodec.writeString(out, e.market.value());
            out.writeLong(e.epochId);
            out.writeLong(e.startMs);
            out.writeLong(e.endMs);
            out.writeInt(e.accepted);
            out.writeBoolean(e.canonical != null);
            if (e.canonical != null) {
                writeValue(out, e.canonical);
            }
            out.writeBoolean(e.finalized != null);
            if (e.finalized != null) {
                FinalizeReceipt f = e.finalized;
                JournalCodec.writeString(out, f.market().value());
                out.writeLong(f.epochId());
                out.write(f.canonicalBundleHash().toByteArray());
                out.writeInt(f.leafIndex());
                out.writeLong(f.canonicalSequence());
                out.writeLong(f.slot());
                out.writeLong(f.timeMs());
                JournalCodec.writeString(out, f.transactionId());
            }
        }
        out.writeInt(awaitingFinalization.size());
        for (EpochKey k : awaitingFinalization) { // insertion order is state too
            JournalCodec.writeString(out, k.market().value());
            out.writeLong(k.epochId());
        }
        List<MarketId> prunedKeys = new ArrayList<>(prunedThrough.keySet());
        java.util.Collections.sort(prunedKeys);
        out.writeInt(prunedKeys.size());
        for (MarketId m : prunedKeys) {
            JournalCodec.writeString(out, m.value());
            out.writeLong(prunedThrough.get(m));
        }
        out.writeLong(nextIndex);
    }

    /**
     * Reads what {@link #encode} wrote (snapshot {@code version} 2; version 1, written before pruning, has no
     * pruned-epoch floors); the result has no events in memory and continues at the same index.
     */
    static LedgerState decode(java.io.DataInputStream in, int maxEvents, int version) throws java.io.IOException {
        LedgerState s = new LedgerState();
        s.maxEvents = maxEvents;
        s.sets.decode(in);
        s.markets.decode(in);
        int n = in.readInt();
        Map<Hash32, Boolean> revealedFlag = new HashMap<>();
        for (int i = 0; i < n; i++) {
            CommitReceipt r = readCommit(in);
            revealedFlag.put(r.commitHash(), in.readBoolean());
            s.commits.put(r.commitHash(), new CommitEntry(r));
            s.commitBySequence.put(new SetSequence(r.signerSetId(), r.sequence()), r.commitHash());
        }
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            RevealReceipt r = readReveal(in);
            CommitEntry c = s.commits.get(r.commitHash());
            if (c == null) {
                throw new java.io.IOException("reveal of " + r.bundleHash().toHex() + " names commitment "
                        + r.commitHash().toHex() + " which the snapshot does not hold");
            }
            c.reveal = r;
            s.reveals.put(r.bundleHash(), new RevealEntry(r, in.readLong(), in.readLong()));
        }
        for (Map.Entry<Hash32, Boolean> f : revealedFlag.entrySet()) {
            if (f.getValue() != (s.commits.get(f.getKey()).reveal != null)) {
                throw new java.io.IOException("commitment " + f.getKey().toHex() + " and the reveals disagree");
            }
        }
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            MarketValue v = readValue(in);
            s.latest.put(v.market(), v);
        }
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            EpochEntry e = new EpochEntry(MarketId.of(JournalCodec.readString(in)), in.readLong(), in.readLong(),
                    in.readLong());
            e.accepted = in.readInt();
            if (in.readBoolean()) {
                e.canonical = readValue(in);
            }
            if (in.readBoolean()) {
                e.finalized = new FinalizeReceipt(MarketId.of(JournalCodec.readString(in)), in.readLong(),
                        Hash32.of(JournalCodec.readExactly(in, Hash32.LENGTH)), in.readInt(), in.readLong(),
                        in.readLong(), in.readLong(), JournalCodec.readString(in));
            }
            s.epochs.put(new EpochKey(e.market, e.epochId), e);
        }
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            EpochKey k = new EpochKey(MarketId.of(JournalCodec.readString(in)), in.readLong());
            if (!s.epochs.containsKey(k)) {
                throw new java.io.IOException("epoch " + k + " awaits finalization but is not in the snapshot");
            }
            s.awaitingFinalization.add(k);
        }
        if (version >= 2) {
            n = in.readInt();
            for (int i = 0; i < n; i++) {
                s.prunedThrough.put(MarketId.of(JournalCodec.readString(in)), in.readLong());
            }
        }
        s.nextIndex = in.readLong();
        s.firstIndex = s.nextIndex;
        return s;
    }

    private static final Comparator<EpochKey> EPOCH_ORDER = Comparator.comparing(EpochKey::market)
            .thenComparingLong(EpochKey::epochId);

    private static void writeCommit(java.io.DataOutputStream out, CommitReceipt r) throws java.io.IOException {
        out.write(r.commitHash().toByteArray());
        out.writeLong(r.signerSetId());
        out.writeLong(r.sequence());
        out.writeLong(r.slot());
        out.writeLong(r.timeMs());
        JournalCodec.writeString(out, r.transactionId());
    }

    private static CommitReceipt readCommit(java.io.DataInputStream in) throws java.io.IOException {
        return new CommitReceipt(Hash32.of(JournalCodec.readExactly(in, Hash32.LENGTH)), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), JournalCodec.readString(in));
    }

    private static void writeReveal(java.io.DataOutputStream out, RevealReceipt r) throws java.io.IOException {
        out.write(r.bundleHash().toByteArray());
        out.write(r.commitHash().toByteArray());
        out.writeLong(r.signerSetId());
        out.writeLong(r.sequence());
        out.writeLong(r.slot());
        out.writeLong(r.timeMs());
        JournalCodec.writeString(out, r.transactionId());
        out.writeInt(r.items().size());
        for (RevealReceipt.Item it : r.items()) {
            JournalCodec.writeString(out, it.market().value());
            out.writeLong(it.epochId());
            out.writeLong(it.tick());
            out.writeInt(it.leafIndex());
        }
    }

    private static RevealReceipt readReveal(java.io.DataInputStream in) throws java.io.IOException {
        Hash32 bundle = Hash32.of(JournalCodec.readExactly(in, Hash32.LENGTH));
        Hash32 commit = Hash32.of(JournalCodec.readExactly(in, Hash32.LENGTH));
        long set = in.readLong();
        long seq = in.readLong();
        long slot = in.readLong();
        long time = in.readLong();
        String tx = JournalCodec.readString(in);
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new java.io.IOException("reveal receipt with " + n + " items");
        }
        List<RevealReceipt.Item> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(new RevealReceipt.Item(MarketId.of(JournalCodec.readString(in)), in.readLong(), in.readLong(),
                    in.readInt()));
        }
        return new RevealReceipt(bundle, commit, set, seq, slot, time, tx, items);
    }

    private static void writeValue(java.io.DataOutputStream out, MarketValue v) throws java.io.IOException {
        JournalCodec.writeString(out, v.market().value());
        JournalCodec.writeBytes(out, BundleCodec.encodeItem(v.item()));
        out.write(v.bundleHash().toByteArray());
        out.writeLong(v.signerSetId());
        out.writeLong(v.sequence());
        out.writeInt(v.leafIndex());
        out.writeLong(v.slot());
        out.writeLong(v.timeMs());
    }

    private static MarketValue readValue(java.io.DataInputStream in) throws java.io.IOException {
        MarketId market = MarketId.of(JournalCodec.readString(in));
        BundleItem item;
        try {
            item = BundleCodec.decodeItem(JournalCodec.readBytes(in));
        } catch (ProtocolException e) {
            throw new java.io.IOException("market value of " + market + ": " + e.getMessage(), e);
        }
        return new MarketValue(market, item, Hash32.of(JournalCodec.readExactly(in, Hash32.LENGTH)), in.readLong(),
                in.readLong(), in.readInt(), in.readLong(), in.readLong());
    }
}
