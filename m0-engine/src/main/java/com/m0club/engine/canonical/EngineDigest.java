package com.m0club.engine.canonical;

import com.m0club.protocol.codec.CanonicalWriter;
import com.m0club.protocol.hash.DomainTag;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.TaggedHash;

/**
 * The tags of the engine's own identifiers, hashed with the protocol's one tagged hash function
 * ({@link TaggedHash#of(DomainTag, byte[])}: {@code sha256(ascii(tag) || bytes)}) over preimages written with the
 * protocol's {@link CanonicalWriter}. The protocol's tag set is closed (it names what a signer or the ledger ever
 * hashes); event ids and features hashes are engine records, so their tags are named here, and they can never collide
 * with a protocol preimage (every tag starts with {@code M0_} and no two tags are prefixes of one another).
 */
public enum EngineDigest implements DomainTag {
    /** {@code NormalizedEvent.eventId}. */
    EVENT("M0_EVENT_V1"),
    /** {@code FeatureVector.featuresHash}. */
    FEATURES("M0_FEATURES_V1"),
    /** {@code FeatureVector.windowKey()}. */
    WINDOW("M0_WINDOW_V1");

    private final String tag;

    EngineDigest(String tag) {
        this.tag = tag;
    }

    /** The tag as written at the start of the preimage. */
    public String tag() {
        return tag;
    }

    @Override
    public String ascii() {
        return tag;
    }

    /** {@code sha256(ascii(tag) || bytes)}. */
    public Hash32 hash(byte[] bytes) {
        return TaggedHash.of(this, bytes);
    }

    /** Hashes the bytes written so far. */
    public Hash32 hash(CanonicalWriter bytes) {
        return hash(bytes.toByteArray());
    }
}
