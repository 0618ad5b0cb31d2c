package com.m0club.chain.local;

import java.io.IOException;

/**
 * m0-chain's {@link LocalLedgerTest} over the wire: the commit, reveal and finalize behaviour of the local ledger (receipts, reads, events by page and by subscription, replay protection, rotation, pause) holds unchanged through RemoteLedger -> LedgerServer -> LocalLedger.
 */
class RemoteLocalLedgerTest extends LocalLedgerTest {
    @Override
    Harness harness() throws IOException {
        return new Harness(dir, new ServedFront());
    }
}
