package com.m0club.protocol.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** {@code H(tag, bytes) = sha256(ascii(tag) || bytes)}, the only hash function of protocol v1. */
public final class TaggedHash {
    private static final MessageDigest PROTOTYPE;

    static {
        try {
            PROTOTYPE = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TaggedHash() {}

    /**
     * {@code sha256(ascii(tag) || bytes)} for a tag outside the protocol's own set (an engine record's id): the
     * same function as {@link #of(HashTag, byte[])}.
     */
    public static Hash32 of(DomainTag tag, byte[] bytes) {
        MessageDigest md = newDigest();
        md.update(tag.ascii().getBytes(StandardCharsets.US_ASCII));
        md.update(bytes);
        return Hash32.wrap(md.digest());
    }

    public static Hash32 of(HashTag tag, byte[] bytes) {
        return of(tag, bytes, 0, bytes.length);
    }

    public static Hash32 of(HashTag tag, byte[] bytes, int offset, int length) {
        MessageDigest md = newDigest();
        md.update(tag.bytes());
        md.update(bytes, offset, length);
        return Hash32.wrap(md.digest());
    }

    /** Node hash: {@code H("M0_NODE_V1", left || right)}, without an intermediate array. */
    public static Hash32 node(Hash32 left, Hash32 right) {
        MessageDigest md = newDigest();
        md.update(HashTag.NODE.bytes());
        byte[] buf = new byte[Hash32.LENGTH * 2];
        left.copyTo(buf, 0);
        right.copyTo(buf, Hash32.LENGTH);
        md.update(buf);
        return Hash32.wrap(md.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }
}
