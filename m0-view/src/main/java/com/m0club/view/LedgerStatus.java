package com.m0club.view;

/** What the ledger says of a served value: revealed (accepted, epoch still open) or finalized (canonical). */
public enum LedgerStatus {
    REVEALED,
    FINALIZED
}
