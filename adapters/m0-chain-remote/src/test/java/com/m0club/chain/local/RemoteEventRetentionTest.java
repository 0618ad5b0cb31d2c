package com.m0club.chain.local;

import java.io.IOException;

/**
 * m0-chain's {@link EventRetentionTest} over the wire: the bounded event window over the wire: a cursor older than the window gets EventsExpiredException (the same oldest index and message), a reopened ledger serves the same indices, a subscription hears the next events.
 */
class RemoteEventRetentionTest extends EventRetentionTest {
    @Override
    Harness harness() throws IOException {
        return new Harness(dir, new ServedFront());
    }
}
