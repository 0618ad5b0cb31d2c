package com.m0club.app.roles;

import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.publish.bundle.SignatureCollector;
import com.m0club.runtime.tracing.TraceHeaders;
import com.m0club.signer.client.QuorumException;
import com.m0club.signer.client.ThresholdSigner;

/**
 * The signer plane's threshold client as the bundler's signature collection: a missed quorum is a value. The agents
 * are asked under the current span (the bundler's {@code sign} span): its {@code traceparent} goes with every request.
 */
final class ThresholdSignatureCollector implements SignatureCollector {
    private final ThresholdSigner signer;

    ThresholdSignatureCollector(ThresholdSigner signer) {
        this.signer = signer;
    }

    @Override
    public Collected collect(EncodedBundle bundle) throws InterruptedException {
        try {
            return new Collected.Signed(signer.collectBlocking(bundle, TraceHeaders.current()));
        } catch (QuorumException e) {
            return new Collected.QuorumNotReached(e.getMessage());
        }
    }
}
