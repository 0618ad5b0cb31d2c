package com.m0club.protocol.hash;

import java.nio.charset.StandardCharsets;

/**
 * The domain tags of protocol v1. A tag is prefixed to every hash preimage so that bytes hashed for one purpose (a
 * merkle leaf) can never be replayed as another (a node, a bundle, a signed message, a commitment).
 */
public enum HashTag implements DomainTag {
    LEAF("M0_LEAF_V1"),
    NODE("M0_NODE_V1"),
    BUNDLE("M0_BUNDLE_V1"),
    SIG("M0_SIG_V1"),
    COMMIT("M0_COMMIT_V1");

    private final String ascii;
    private final byte[] bytes;

    HashTag(String ascii) {
        this.ascii = ascii;
        this.bytes = ascii.getBytes(StandardCharsets.US_ASCII);
    }

    /** The tag as written in the preimage. */
    @Override
    public String ascii() {
        return ascii;
    }

    byte[] bytes() {
        return bytes;
    }
}
