package com.m0club.protocol.hash;

/**
 * What a tagged hash is for: the ASCII tag prefixed to its preimage, {@code H(tag, bytes) = sha256(ascii(tag) ||
 * bytes)} (docs/protocol.md section 9, "Hashes"). {@link HashTag} is the closed set a signer or the ledger ever hashes;
 * other modules name the tags of their own records (the engine's event ids and features hashes) by implementing this
 * and hash them with {@link TaggedHash#of(DomainTag, byte[])}, so there is one tagged hash function.
 *
 * <p>Rules every implementation keeps, so no preimage of one purpose can be read as another: the tag is printable
 * ASCII, starts with {@code M0_}, ends with a version ({@code _V1}), and is not a prefix of any other tag.
 */
public interface DomainTag {

    /** The tag as written at the start of the preimage. */
    String ascii();
}
