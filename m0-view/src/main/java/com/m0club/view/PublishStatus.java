package com.m0club.view;

/**
 * Publish state of one bundle. The happy path is BUILT, SIGNED, COMMITTED, REVEALED, FINALIZED; FAILED (gave up,
 * with a reason) and MISMATCH (the ledger holds something other than what we built) end it early. Every transition
 * is stored with its time.
 */
public enum PublishStatus {
    BUILT,
    SIGNED,
    COMMITTED,
    REVEALED,
    FINALIZED,
    FAILED,
    MISMATCH;

    public boolean isTerminal() {
        return this == FINALIZED || this == FAILED || this == MISMATCH;
    }
}
