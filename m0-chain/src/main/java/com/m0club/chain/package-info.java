/**
 * The ledger port: what the publishing plane needs from wherever bundles are anchored (commit, reveal, finalize;
 * slots, ledger time, receipts, events), with its rejection reasons. Implementations: {@code local} (in-process, the
 * on-chain program's rules, a durable journal) and, later, the Solana adapter.
 */
package com.m0club.chain;
