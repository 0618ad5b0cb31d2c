package com.m0club.view;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.sign.SignerSet;
import java.util.List;
import java.util.Optional;

/**
 * What the API serves, read-only. The publishing plane implements it over PostgreSQL; the API never writes. Absent
 * values are {@link Optional#empty()}, never null.
 */
public interface OracleReadModel {
    /** Every registered market in id order, with its latest value. */
    List<MarketSnapshot> markets();

    Optional<MarketSnapshot> market(MarketId id);

    /** The latest revealed (or finalized) value of a market, with its proof. */
    Optional<ServedValue> latest(MarketId id);

    Optional<BundleRecord> bundle(Hash32 bundleHash);

    /** The canonical value of one epoch of a market once the ledger has it (revealed or finalized). */
    default Optional<ServedValue> epochValue(MarketId id, long epochId) {
        return Optional.empty();
    }

    Optional<SignerSet> signerSet(long id);
}
