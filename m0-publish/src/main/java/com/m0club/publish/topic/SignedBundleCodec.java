package com.m0club.publish.topic;

import com.m0club.eventlog.RecordCodec;
import com.m0club.eventlog.RecordReader;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.SignedBundle;

/**
 * {@link SignedBundle} on {@code m0.bundles} (schema version 1): exactly the protocol's canonical signed-bundle bytes
 * ({@link BundleCodec#encodeSigned}, docs/protocol.md: the canonical bundle, then {@code u16 count} and each
 * signature's 32-byte key and 64-byte signature in ascending key order), which are deterministic and decoded
 * strictly; a {@code ProtocolException} from the decoder becomes the codec's
 * {@code RecordFormatException}.
 */
public final class SignedBundleCodec implements RecordCodec<SignedBundle> {
    public static final SignedBundleCodec INSTANCE = new SignedBundleCodec();

    private SignedBundleCodec() {}

    @Override
    public byte[] encode(SignedBundle bundle) {
        return BundleCodec.encodeSigned(bundle);
    }

    @Override
    public SignedBundle decode(byte[] bytes) {
        return RecordReader.decode("SignedBundle", bytes,
                r -> BundleCodec.decodeSigned(r.raw("signed_bundle", r.remaining())));
    }
}
