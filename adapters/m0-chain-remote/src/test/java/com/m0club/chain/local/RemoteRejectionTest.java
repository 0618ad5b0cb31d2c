package com.m0club.chain.local;

import java.io.IOException;

/**
 * m0-chain's {@link RejectionTest} over the wire: every rejection reason crosses the wire as itself: the same Reason, the same detail, the local ledger's metric counted once.
 */
class RemoteRejectionTest extends RejectionTest {
    @Override
    Harness harness() throws IOException {
        return new Harness(dir, new ServedFront());
    }
}
