package com.m0club.engine.canonical;

import com.m0club.protocol.hash.Hash32;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Tagged SHA-256 for the engine's own identifiers: {@code sha256(ascii(tag) || bytes)}, the same construction as the
 * protocol's {@code TaggedHash} but with engine tags. The protocol's tag set is closed (it names what a signer or the
 * ledger ever hashes); event ids and features hashes are engine records, so their tags live here and can never
 * collide with a protocol preimage (every tag starts with {@code M0_} and no two tags are prefixes of one another).
 */
public enum EngineDigest {
    /** {@code NormalizedEvent.eventId}. */
    EVENT("M0_EVENT_V1"),
    /** {@code FeatureVector.featuresHash}. */
    FEATURES("M0_FEATURES_V1"),
    /** {@code FeatureVector.windowKey()}. */
    WINDOW("M0_WINDOW_V1");

    private final String tag;
    private final byte[] tagBytes;

    EngineDigest(String tag) {
        this.tag = tag;
        this.tagBytes = tag.getBytes(StandardCharsets.US_ASCII);
    }

    /** The tag as written at the start of the preimage. */
    public String tag() {
        return tag;
    }

    /** {@code sha256(ascii(tag) || bytes)}. */
    public Hash32 hash(byte[] bytes) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
        md.update(tagBytes);
        md.update(bytes);
        return Hash32.of(md.digest());
    }

    /** Hashes the bytes written so far. */
    public Hash32 hash(CanonicalBytes bytes) {
        return hash(bytes.toByteArray());
    }
}
