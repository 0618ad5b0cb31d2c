package com.m0club.chain;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import java.util.List;
import java.util.Optional;

/**
 * Reads of the ledger's records and state: time and slots, commitments, revealed bundles, epochs, latest values, the
 * registry views of {@link LedgerRegistryView}, and the epochs due for finalization. What the submitter (to judge a
 * reveal window, to find a reveal whose response was lost), the reconciler and the startup audit read. Never changes
 * the ledger.
 */
public interface LedgerReader extends LedgerRegistryView {

    /** The ledger's current slot (400 ms each on Solana and on the local ledger). */
    long currentSlot();

    /** The ledger's clock, UTC milliseconds: what the timing rules are measured against. */
    long nowMs();

    /** The last sequence accepted (revealed) for the set; 0 when none. */
    long lastSequence(long signerSetId);

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

    /** Epochs that {@link LedgerWriter#finalizeEpoch} would accept now, oldest window end first. */
    List<EpochRef> dueForFinalization();
}
