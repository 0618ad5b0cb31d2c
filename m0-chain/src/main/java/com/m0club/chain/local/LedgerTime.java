package com.m0club.chain.local;

/** When a state change landed: ledger time in UTC milliseconds and the slot it falls in. */
record LedgerTime(long timeMs, long slot) {}
