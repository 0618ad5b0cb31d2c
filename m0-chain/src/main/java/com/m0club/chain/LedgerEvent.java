package com.m0club.chain;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import java.util.List;
import java.util.Objects;

/**
 * What the ledger says happened, in order. {@code index} increases by one per event from 0 and never repeats, so a
 * reader resumes from the last index it processed; {@code slot} and {@code timeMs} say when the change landed and
 * {@code transactionId} in which transaction (several events can share one: a reveal emits {@link Revealed} then one
 * {@link ItemAccepted} per item).
 */
public sealed interface LedgerEvent {
    long index();

    long slot();

    long timeMs();

    String transactionId();

    /** A commitment landed. */
    record Committed(long index, long slot, long timeMs, String transactionId, Hash32 commitHash, long signerSetId,
            long sequence) implements LedgerEvent {
        public Committed {
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(commitHash, "commitHash");
        }
    }

    /** A bundle was revealed and accepted; its items follow as {@link ItemAccepted} events. */
    record Revealed(long index, long slot, long timeMs, String transactionId, Hash32 bundleHash, long signerSetId,
            long sequence, Hash32 commitHash, List<MarketId> markets) implements LedgerEvent {
        public Revealed {
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(bundleHash, "bundleHash");
            Objects.requireNonNull(commitHash, "commitHash");
            markets = List.copyOf(markets);
        }
    }

    /** One item of a revealed bundle became its market's latest value and its epoch's latest accepted item. */
    record ItemAccepted(long index, long slot, long timeMs, String transactionId, MarketId market, long epochId,
            long tick, Hash32 bundleHash, int leafIndex) implements LedgerEvent {
        public ItemAccepted {
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(market, "market");
            Objects.requireNonNull(bundleHash, "bundleHash");
        }
    }

    /** An epoch is final: its canonical item is leaf {@code leafIndex} of {@code canonicalBundleHash}. */
    record EpochFinalized(long index, long slot, long timeMs, String transactionId, MarketId market, long epochId,
            Hash32 canonicalBundleHash, int leafIndex) implements LedgerEvent {
        public EpochFinalized {
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(market, "market");
            Objects.requireNonNull(canonicalBundleHash, "canonicalBundleHash");
        }
    }
}
