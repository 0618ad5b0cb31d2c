/**
 * The ledger ports: what the publishing plane needs from wherever bundles are anchored, split by use
 * ({@code LedgerWriter}: commit, reveal, finalize; {@code LedgerReader}: slots, ledger time, records;
 * {@code LedgerEvents}: the event index; {@code LedgerAdmin}: registration; {@code Ledger}: all four, for
 * composition code), with receipts, events and rejection reasons. Implementations: {@code local} (in-process, the
 * on-chain program's rules, a durable journal) and, later, the Solana adapter.
 */
package com.m0club.chain;
