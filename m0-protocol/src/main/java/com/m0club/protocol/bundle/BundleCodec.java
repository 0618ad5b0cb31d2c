package com.m0club.protocol.bundle;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.codec.CanonicalWriter;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.ModelRef;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSignature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The canonical binary codec of protocol v1 (docs/protocol.md writes every layout byte by byte).
 *
 * <p>Encoding is total over valid values. Decoding is strict: it accepts exactly the bytes {@link #encode} would
 * produce for the value it decodes, and rejects anything else (unknown version, wrong order, duplicates, bad sums,
 * trailing bytes) with a {@link ProtocolException} naming the field, so one bundle has exactly one encoding and one
 * hash.
 */
public final class BundleCodec {
    private BundleCodec() {}

    // ---------------------------------------------------------------- encode

    public static byte[] encodeHeader(BundleHeader h) {
        CanonicalWriter w = new CanonicalWriter(BundleHeader.ENCODED_LENGTH);
        writeHeader(w, h);
        return w.toByteArray();
    }

    public static byte[] encodeItem(BundleItem item) {
        CanonicalWriter w = new CanonicalWriter(160 + 48 * item.distribution().size());
        writeItem(w, item);
        return w.toByteArray();
    }

    /** {@code header || u16 item_count || item*}. Prefer {@link EncodedBundle#of} when the hash is needed too. */
    public static byte[] encode(Bundle bundle) {
        return EncodedBundle.of(bundle).bytes();
    }

    static void writeHeader(CanonicalWriter w, BundleHeader h) {
        w.u16(BundleHeader.VERSION)
                .u32(h.signerSetId())
                .u64(h.sequence())
                .u64(h.roundStartMs())
                .u64(h.roundEndMs())
                .u64(h.producedAtMs());
    }

    static void writeItem(CanonicalWriter w, BundleItem it) {
        w.u16(BundleItem.VERSION)
                .str(it.marketId().value())
                .u64(it.epochId())
                .u32(it.tick())
                .u64(it.windowStartMs())
                .u64(it.windowEndMs());
        Distribution d = it.distribution();
        w.u16(d.size());
        for (OutcomeProbability o : d.outcomes()) {
            w.str(o.outcome().value()).u32(o.p()).u32(o.ciLow()).u32(o.ciHigh());
        }
        w.u16(it.ciLevelBps())
                .u16(it.riskScoreBps())
                .u32(it.qualityFlags())
                .str(it.model().modelId())
                .str(it.model().modelVersion());
        writeOptionalHash(w, it.calibrationHash());
        writeOptionalHash(w, it.featuresHash());
    }

    private static void writeOptionalHash(CanonicalWriter w, Optional<Hash32> h) {
        if (h.isPresent()) {
            w.u8(1).hash(h.get());
        } else {
            w.u8(0);
        }
    }

    /** {@code bundle_bytes || u16 sig_count || (public_key[32] || signature[64])*}, signatures by key ascending. */
    public static byte[] encodeSigned(SignedBundle signed) {
        byte[] bundleBytes = signed.bundle().bytes();
        List<SignerSignature> sigs = signed.signatures();
        CanonicalWriter w = new CanonicalWriter(bundleBytes.length + 2 + sigs.size() * 96);
        w.raw(bundleBytes, 0, bundleBytes.length).u16(sigs.size());
        for (SignerSignature s : sigs) {
            byte[] key = s.key().toByteArray();
            byte[] sig = s.signature();
            w.raw(key, 0, key.length).raw(sig, 0, sig.length);
        }
        return w.toByteArray();
    }

    // ---------------------------------------------------------------- decode

    /** Decodes canonical bundle bytes; anything else is a {@link ProtocolException}. */
    public static EncodedBundle decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        EncodedBundle bundle = readBundle(r, bytes);
        r.expectEnd("bundle");
        return bundle;
    }

    /** Decodes the canonical bytes of one item alone (what a merkle proof carries). */
    public static BundleItem decodeItem(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        BundleItem item = readItem(r, "item.");
        r.expectEnd("item");
        return item;
    }

    /** Decodes the canonical bytes of a header alone. */
    public static BundleHeader decodeHeader(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        BundleHeader h = readHeader(r);
        r.expectEnd("header");
        return h;
    }

    /** Decodes a signed bundle: canonical bundle bytes followed by signatures in strictly ascending key order. */
    public static SignedBundle decodeSigned(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        EncodedBundle bundle = readBundle(r, bytes);
        int count = r.u16("signatures.count");
        List<SignerSignature> sigs = new ArrayList<>(count);
        SignerKey previous = null;
        for (int i = 0; i < count; i++) {
            int at = r.position();
            SignerKey key = SignerKey.of(r.bytes("signatures[" + i + "].public_key", SignerKey.LENGTH));
            byte[] sig = r.bytes("signatures[" + i + "].signature", SignerSignature.LENGTH);
            if (previous != null) {
                int cmp = previous.compareTo(key);
                if (cmp == 0) {
                    throw new ProtocolException(ErrorCode.DUPLICATE, "signatures[" + i + "].public_key",
                            "one signature per key, " + key + " appears twice").atOffset(at);
                }
                if (cmp > 0) {
                    throw new ProtocolException(ErrorCode.NON_CANONICAL_ORDER, "signatures[" + i + "].public_key",
                            "signatures must be in ascending public key byte order").atOffset(at);
                }
            }
            previous = key;
            sigs.add(SignerSignature.of(key, sig));
        }
        r.expectEnd("signed bundle");
        return new SignedBundle(bundle, sigs);
    }

    private static EncodedBundle readBundle(CanonicalReader r, byte[] source) {
        int headerStart = r.position();
        BundleHeader header = readHeader(r);
        int headerEnd = r.position();
        int count = r.u16("items.count");
        if (count == 0) {
            throw new ProtocolException(ErrorCode.EMPTY, "items", "a bundle needs at least one item")
                    .atOffset(headerEnd);
        }
        List<BundleItem> items = new ArrayList<>(count);
        List<byte[]> itemBytes = new ArrayList<>(count);
        MarketId previous = null;
        for (int i = 0; i < count; i++) {
            int start = r.position();
            String prefix = "items[" + i + "].";
            BundleItem item = readItem(r, prefix);
            if (previous != null) {
                int cmp = previous.compareTo(item.marketId());
                if (cmp == 0) {
                    throw new ProtocolException(ErrorCode.DUPLICATE, prefix + "market_id",
                            "a market appears at most once per bundle, " + item.marketId() + " appears twice")
                            .atOffset(start);
                }
                if (cmp > 0) {
                    throw new ProtocolException(ErrorCode.NON_CANONICAL_ORDER, prefix + "market_id",
                            "items must be in ascending market_id byte order, " + item.marketId() + " follows "
                                    + previous).atOffset(start);
                }
            }
            previous = item.marketId();
            items.add(item);
            itemBytes.add(java.util.Arrays.copyOfRange(source, start, r.position()));
        }
        byte[] headerBytes = java.util.Arrays.copyOfRange(source, headerStart, headerEnd);
        byte[] bundleBytes = java.util.Arrays.copyOfRange(source, headerStart, r.position());
        return EncodedBundle.fromParts(new Bundle(header, items), bundleBytes, headerBytes, itemBytes);
    }

    private static BundleHeader readHeader(CanonicalReader r) {
        int at = r.position();
        int version = r.u16("header.version");
        if (version != BundleHeader.VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "header.version",
                    "this implementation speaks header version " + BundleHeader.VERSION + ", got " + version)
                    .atOffset(at);
        }
        long set = r.u32("header.signer_set_id");
        long seq = r.u64("header.sequence");
        long start = r.u64("header.round_start_ms");
        long end = r.u64("header.round_end_ms");
        long produced = r.u64("header.produced_at_ms");
        try {
            return new BundleHeader(set, seq, start, end, produced);
        } catch (ProtocolException e) {
            throw e.atOffset(at);
        }
    }

    private static BundleItem readItem(CanonicalReader r, String prefix) {
        int at = r.position();
        int version = r.u16(prefix + "version");
        if (version != BundleItem.VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, prefix + "version",
                    "this implementation speaks item version " + BundleItem.VERSION + ", got " + version).atOffset(at);
        }
        try {
            MarketId market = new MarketId(MarketId.validate(prefix + "market_id", r.str(prefix + "market_id")));
            long epoch = r.u64(prefix + "epoch_id");
            long tick = r.u32(prefix + "tick");
            long ws = r.u64(prefix + "window_start_ms");
            long we = r.u64(prefix + "window_end_ms");
            int n = r.u16(prefix + "outcomes.count");
            List<OutcomeProbability> outcomes = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                String f = prefix + "outcomes[" + j + "].";
                OutcomeId id = new OutcomeId(OutcomeId.validate(f + "outcome_id", r.str(f + "outcome_id")));
                long p = r.u32(f + "p");
                long lo = r.u32(f + "ci_low");
                long hi = r.u32(f + "ci_high");
                outcomes.add(within(prefix, () -> new OutcomeProbability(id, p, lo, hi)));
            }
            Distribution dist = within(prefix, () -> new Distribution(outcomes));
            int ciLevel = r.u16(prefix + "ci_level_bps");
            int risk = r.u16(prefix + "risk_score");
            long flags = r.u32(prefix + "quality_flags");
            String modelId = ModelRef.validateId(prefix + "model_id", r.str(prefix + "model_id"));
            String modelVersion = ModelRef.validateVersion(prefix + "model_version", r.str(prefix + "model_version"));
            Optional<Hash32> calibration = r.present(prefix + "calibration_hash")
                    ? Optional.of(r.hash(prefix + "calibration_hash")) : Optional.empty();
            Optional<Hash32> features = r.present(prefix + "features_hash")
                    ? Optional.of(r.hash(prefix + "features_hash")) : Optional.empty();
            return within(prefix, () -> new BundleItem(market, epoch, tick, ws, we, dist, ciLevel, risk, flags,
                    new ModelRef(modelId, modelVersion), calibration, features));
        } catch (ProtocolException e) {
            throw e.atOffset(at);
        }
    }

    private static <T> T within(String prefix, java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ProtocolException e) {
            throw e.field().startsWith(prefix) ? e : e.within(prefix);
        }
    }
}
