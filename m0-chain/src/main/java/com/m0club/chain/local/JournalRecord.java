package com.m0club.chain.local;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerSet;

/**
 * One accepted state-changing call, as the journal stores it: the call's inputs, not its results. Replaying the
 * records in order through the same rules rebuilds the state, the receipts and the events exactly.
 */
sealed interface JournalRecord {
    /** Stable type byte in the journal. Never renumber. */
    int type();

    record RegisterSignerSet(SignerSet set) implements JournalRecord {
        @Override
        public int type() {
            return 1;
        }
    }

    record ActivateSignerSet(long signerSetId) implements JournalRecord {
        @Override
        public int type() {
            return 2;
        }
    }

    record RegisterMarket(Market market) implements JournalRecord {
        @Override
        public int type() {
            return 3;
        }
    }

    record SetMarketStatus(MarketId market, MarketStatus status) implements JournalRecord {
        @Override
        public int type() {
            return 4;
        }
    }

    record Commit(Hash32 commitHash, long signerSetId, long sequence) implements JournalRecord {
        @Override
        public int type() {
            return 5;
        }
    }

    /** The full signed bundle bytes and the salt: what an indexer of a real chain would read from the transaction. */
    record Reveal(byte[] signedBundleBytes, byte[] salt) implements JournalRecord {
        @Override
        public int type() {
            return 6;
        }
    }

    record Finalize(MarketId market, long epochId) implements JournalRecord {
        @Override
        public int type() {
            return 7;
        }
    }

    /** A record with the ledger time and slot at which it was accepted. */
    record Stamped(LedgerTime time, JournalRecord record) {}
}
