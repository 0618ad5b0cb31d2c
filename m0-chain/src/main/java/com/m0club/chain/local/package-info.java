/**
 * The local ledger: {@link com.m0club.chain.local.LocalLedger} enforces the on-chain program's rules in process and
 * keeps an append-only, checksummed journal so that a restart resumes where it stopped.
 */
package com.m0club.chain.local;
