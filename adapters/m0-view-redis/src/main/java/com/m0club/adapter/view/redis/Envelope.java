package com.m0club.adapter.view.redis;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes the adapter stores and publishes: a kind byte, the record's schema version and the record's payload.
 *
 * <pre>
 *   u8 kind ('V' served value, 'W' withdrawal), i32 schema_version (big-endian), payload (the topic codec's bytes)
 * </pre>
 * The cache's {@code body} field and every message on the fan-out channel are one envelope.
 */
sealed interface Envelope {
    byte VALUE = 'V';
    byte WITHDRAWAL = 'W';
    int HEADER = 5;

    int version();

    byte[] payload();

    /** A served value's envelope. */
    record Value(int version, byte[] payload) implements Envelope {}

    /** A withdrawal's envelope. */
    record Withdrawn(int version, byte[] payload) implements Envelope {}

    static byte[] encode(byte kind, int version, byte[] payload) {
        return ByteBuffer.allocate(HEADER + payload.length).put(kind).putInt(version).put(payload).array();
    }

    /** The envelope in {@code bytes}; throws {@link IllegalArgumentException} naming the rule it breaks. */
    static Envelope decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER) {
            throw new IllegalArgumentException("envelope: shorter than its " + HEADER + "-byte header ("
                    + (bytes == null ? "none" : bytes.length + " bytes") + ")");
        }
        int version = ByteBuffer.wrap(bytes, 1, 4).getInt();
        byte[] payload = Arrays.copyOfRange(bytes, HEADER, bytes.length);
        return switch (bytes[0]) {
            case VALUE -> new Value(version, payload);
            case WITHDRAWAL -> new Withdrawn(version, payload);
            default -> throw new IllegalArgumentException("envelope kind: must be 'V' or 'W', got 0x"
                    + Integer.toHexString(bytes[0] & 0xff));
        };
    }
}
