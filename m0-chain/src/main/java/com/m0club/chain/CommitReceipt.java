package com.m0club.chain;

import com.m0club.protocol.hash.Hash32;
import java.util.Objects;

/**
 * Proof that a commitment landed: where (slot, ledger time) and in which transaction.
 *
 * @param transactionId the ledger's id of the transaction that made the commitment (a base58 signature on Solana,
 *     {@code local-<n>} on the local ledger); a repeated, idempotent call returns the original id
 */
public record CommitReceipt(Hash32 commitHash, long signerSetId, long sequence, long slot, long timeMs,
        String transactionId) {
    public CommitReceipt {
        Objects.requireNonNull(commitHash, "commitHash");
        Objects.requireNonNull(transactionId, "transactionId");
    }
}
