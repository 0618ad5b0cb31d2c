package com.m0club.publish.bundle;

import com.m0club.eventlog.RecordCodec;
import com.m0club.eventlog.RecordFormatException;

import com.m0club.protocol.Checks;
import com.m0club.protocol.hash.Hash32;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The deterministic binary form of a {@link BundleRef}, 45 bytes, big-endian:
 *
 * <pre>
 *   u8  version        = 1 ({@link BundleRef#SCHEMA_VERSION})
 *   u32 signer_set_id
 *   u64 sequence       (>= 1, at most 2^63-1)
 *   [32] bundle_hash
 * </pre>
 *
 * One value has exactly one encoding; {@link #decode} refuses anything else (another length, another version, an
 * out-of-range field) with a {@link RecordFormatException} naming the field. (The version byte repeats the topic's
 * schema version inside the payload: redundant with the header an out-of-process log carries, and kept so a stored
 * reference is self-describing.)
 */
public final class BundleRefCodec implements RecordCodec<BundleRef> {
    /** The codec of {@code m0.bundles} ({@link com.m0club.publish.topic.PublishTopics#BUNDLES}). */
    public static final BundleRefCodec INSTANCE = new BundleRefCodec();

    /** Encoded length in bytes. */
    public static final int LENGTH = 1 + 4 + 8 + Hash32.LENGTH;

    private BundleRefCodec() {}

    @Override
    public byte[] encode(BundleRef ref) {
        Checks.notNull("ref", ref);
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) BundleRef.SCHEMA_VERSION);
        b.putInt((int) ref.signerSetId());
        b.putLong(ref.sequence());
        b.put(ref.bundleHash().toByteArray());
        return b.array();
    }

    @Override
    public BundleRef decode(byte[] bytes) {
        Checks.notNull("bytes", bytes);
        if (bytes.length != LENGTH) {
            throw new RecordFormatException("bundle_ref", "length", "must be " + LENGTH + " bytes, got " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int version = Byte.toUnsignedInt(b.get());
        if (version != BundleRef.SCHEMA_VERSION) {
            throw new RecordFormatException("bundle_ref", "version", "must be " + BundleRef.SCHEMA_VERSION + ", got "
                    + version);
        }
        long signerSetId = Integer.toUnsignedLong(b.getInt());
        long sequence = b.getLong();
        byte[] hash = new byte[Hash32.LENGTH];
        b.get(hash);
        try {
            return new BundleRef(signerSetId, sequence, Hash32.of(hash));
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException("bundle_ref", "fields", e.getMessage(), e);
        }
    }
}
