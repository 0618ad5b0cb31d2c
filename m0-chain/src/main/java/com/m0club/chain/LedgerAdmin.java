package com.m0club.chain;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerSet;

/**
 * The ledger's registry administration: signer sets and markets, with the registry views of
 * {@link LedgerRegistryView}. What the composition code (seeding a dev ledger) and the registry refresh (carrying an
 * operator's pause or resume to the ledger) use; on Solana each call is an admin transaction. Every call is
 * idempotent and refuses what the rules refuse with a {@link LedgerRejection}, as {@link Ledger} describes.
 */
public interface LedgerAdmin extends LedgerRegistryView {

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
}
