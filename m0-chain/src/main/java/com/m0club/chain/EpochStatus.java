package com.m0club.chain;

/** Where an epoch stands on the ledger. */
public enum EpochStatus {
    /** No item accepted yet. */
    OPEN,
    /** At least one item accepted; the latest one is canonical so far and may still be replaced. */
    REVEALED,
    /** Closed for good: the canonical item never changes again. */
    FINALIZED
}
