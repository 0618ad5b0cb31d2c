package com.m0club.chain;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The ledger port: what the publishing plane needs from wherever bundles are anchored. Two implementations follow
 * the same rules (PROTOCOL.md, "Signer sets and replay protection" and "Commit, reveal, finalize"): the local ledger
 * ({@code com.m0club.chain.local.LocalLedger}), which enforces them in process for dev and tests, and the Solana
 * adapter, where the {@code m0_oracle} program enforces them on chain. The vocabulary is Solana's: slots, ledger
 * time, transaction ids, events read back in order.
 *
 * <p>Every state-changing call is idempotent: repeating a call that already succeeded returns the original receipt
 * and changes nothing, so a submitter that lost a response simply retries. A call the rules refuse throws
 * {@link LedgerRejection} with a stable reason. Transport failures (an adapter that cannot reach its cluster, a
 * journal that cannot be written) surface as {@link java.io.UncheckedIOException} or {@link IllegalStateException},
 * never as a rejection: they say nothing about the bundle.
 *
 * <p>Not here yet: {@code revealItem(commitHash, headerBytes, itemBytes, merkleProof, signatures)}, the
 * item-by-item reveal against the committed bundle hash that Solana needs when a whole bundle does not fit one
 * transaction. The local ledger has no size limit of that kind, and the method belongs with the Solana adapter.
 */
public interface Ledger extends AutoCloseable {

    // ------------------------------------------------------------------ registry (admin)

    /**
     * Registers a signer set. Sets are immutable: registering the same id, threshold, keys and activation time again
     * is a no-op whatever the status field says; other content under an existing id is
     * {@link LedgerRejection.Reason#SIGNER_SET_CONFLICT}. A set registered ACTIVE retires every other active set,
     * exactly as {@link #activateSignerSet} does.
     */
    void registerSignerSet(SignerSet set);

    /**
     * Activates a PENDING set (rotation). Every other ACTIVE set becomes RETIRED: the old set stays valid until the
     * new one activates, then never again. Activating an ACTIVE set is a no-op; a RETIRED set cannot come back.
     */
    void activateSignerSet(long signerSetId);

    /**
     * Creates or updates a market's registry entry (outcomes, schedule, timing, status). A status change in an
     * update follows {@link MarketStatus#canMoveTo}; the domain never changes. Identical content is a no-op.
     */
    void registerMarket(Market market);

    /** Moves a market's status (pause/resume and the lifecycle); the same status again is a no-op. */
    void setMarketStatus(MarketId market, MarketStatus status);

    // ------------------------------------------------------------------ commit, reveal, finalize

    /**
     * Commits to a bundle without revealing it: {@code commitHash = H("M0_COMMIT_V1", bundle_hash || salt)} for the
     * bundle the set will sign at {@code sequence}.
     */
    CommitReceipt commit(Hash32 commitHash, long signerSetId, long sequence);

    /**
     * Reveals a committed bundle: the canonical signed bundle bytes and the 32-byte salt of its commitment. All items
     * are accepted or none is.
     */
    RevealReceipt reveal(byte[] signedBundleBytes, byte[] salt);

    /**
     * Finalizes one epoch of one market (a permissionless crank): allowed from window end + finalization_delay_ms
     * once the epoch has an accepted item; the last accepted item becomes canonical for good.
     */
    FinalizeReceipt finalizeEpoch(MarketId market, long epochId);

    /** Epochs that {@link #finalizeEpoch} would accept now, oldest window end first. */
    List<EpochRef> dueForFinalization();

    // ------------------------------------------------------------------ reads

    /** The ledger's current slot (400 ms each on Solana and on the local ledger). */
    long currentSlot();

    /** The ledger's clock, UTC milliseconds: what the timing rules are measured against. */
    long nowMs();

    Optional<SignerSet> signerSet(long signerSetId);

    /** The last sequence accepted (revealed) for the set; 0 when none. */
    long lastSequence(long signerSetId);

    Optional<Market> market(MarketId market);

    /**
     * A commitment and its reveal. Empty for an unknown commitment, and for one beyond the ledger's retention (a
     * bundle whose epochs all finalized longer than {@code ledger_retention_hours} ago; the set's last sequence
     * still refuses its sequence).
     */
    Optional<CommitRecord> commitment(Hash32 commitHash);

    /** What a reveal carried, by bundle hash; empty for an unknown bundle or one beyond the ledger's retention. */
    Optional<RevealedBundle> revealedBundle(Hash32 bundleHash);

    /**
     * One epoch of a registered market: OPEN (nothing accepted yet), REVEALED or FINALIZED. Empty for an unknown
     * market, an epoch id outside the schedule's range, or a finalized epoch beyond the ledger's retention (each
     * market's newest finalized epoch is always kept).
     */
    Optional<EpochRecord> epoch(MarketId market, long epochId);

    /** The market's latest accepted value. */
    Optional<MarketValue> latest(MarketId market);

    // ------------------------------------------------------------------ events

    /** Up to {@code max} events from {@code fromIndexInclusive} on, in index order. */
    List<LedgerEvent> events(long fromIndexInclusive, int max);

    /**
     * Index of the oldest event {@link #events} can still return: a reader whose cursor is below it missed events
     * for good (the local ledger keeps a bounded window, and starts a reopened ledger at its snapshot) and has to
     * resynchronise from the ledger's state (commitments, reveals, epochs) instead. 0 when every event is kept.
     */
    default long oldestEventIndex() {
        return 0;
    }

    /** Index the next event will get (the number of events so far). */
    long nextEventIndex();

    /**
     * Pushes every event appended from now on to {@code listener}, in index order, once the change that produced it
     * is durable. To catch up without gaps: subscribe first, then read {@link #events} and skip indices already
     * seen. Closing the returned handle stops delivery.
     */
    Subscription subscribe(Consumer<LedgerEvent> listener);

    /** A live event subscription; {@link #close} stops delivery and never fails. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Releases what the ledger holds (files, locks, connections). Idempotent. */
    @Override
    void close();
}
