/**
 * The ledger ports over HTTP: {@link com.m0club.adapter.chain.remote.LedgerServer} serves one {@code Ledger} (the
 * local ledger of the process that owns its directory, {@code m0 ledger serve}) on the strict HTTP layer of m0-http,
 * and {@link com.m0club.adapter.chain.remote.RemoteLedger} is the {@code Ledger} every other process of a split
 * topology uses. The wire format (versioned JSON under {@code /v1/ledger/}) is in
 * {@link com.m0club.adapter.chain.remote.LedgerWire} and adapters/m0-chain-remote/README.md. It is the stand-in for
 * Solana RPC until the Solana adapter lands: the rules are the local ledger's, enforced once, on the server.
 */
package com.m0club.adapter.chain.remote;
