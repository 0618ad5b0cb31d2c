package com.m0club.chain;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.sign.SignerSet;
import java.util.Optional;

/**
 * The ledger's registry as it stands: the signer sets and markets the ledger enforces its rules against. Shared by
 * {@link LedgerReader} (a submitter reads a market's reveal window) and {@link LedgerAdmin} (the registry refresh
 * compares what the ledger holds with the registry before changing it), so neither needs the other.
 */
public interface LedgerRegistryView {

    Optional<SignerSet> signerSet(long signerSetId);

    Optional<Market> market(MarketId market);
}
