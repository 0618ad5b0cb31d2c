package com.m0club.protocol.vectors;

import java.util.ArrayList;
import java.util.List;

/**
 * A wire-level model of a bundle: every field is a plain number or string, nothing is validated, and {@link #encode}
 * writes exactly the v1 layout of docs/protocol.md with {@link LeWriter}. The reject vectors are made by building a
 * valid raw bundle, changing one field, and encoding; the generator checks that the unchanged raw bundle encodes to
 * the same bytes as the production codec, so the two writers cannot drift apart unnoticed.
 */
final class RawBundle {
    int headerVersion = 1;
    long signerSetId;
    long sequence;
    long roundStartMs;
    long roundEndMs;
    long producedAtMs;
    /** When set, written as the item count instead of {@code items.size()}. */
    Integer itemCountOverride;
    final List<Item> items = new ArrayList<>();

    static final class Outcome {
        String id;
        long p;
        long ciLow;
        long ciHigh;

        Outcome(String id, long p, long ciLow, long ciHigh) {
            this.id = id;
            this.p = p;
            this.ciLow = ciLow;
            this.ciHigh = ciHigh;
        }

        Outcome copy() {
            return new Outcome(id, p, ciLow, ciHigh);
        }
    }

    static final class Item {
        int version = 1;
        String marketId;
        long epochId;
        long tick;
        long windowStartMs;
        long windowEndMs;
        final List<Outcome> outcomes = new ArrayList<>();
        int ciLevelBps;
        int riskScore;
        long qualityFlags;
        String modelId;
        String modelVersion;
        int calibrationPresence;
        byte[] calibrationHash = new byte[32];
        int featuresPresence;
        byte[] featuresHash = new byte[32];

        Item copy() {
            Item c = new Item();
            c.version = version;
            c.marketId = marketId;
            c.epochId = epochId;
            c.tick = tick;
            c.windowStartMs = windowStartMs;
            c.windowEndMs = windowEndMs;
            outcomes.forEach(o -> c.outcomes.add(o.copy()));
            c.ciLevelBps = ciLevelBps;
            c.riskScore = riskScore;
            c.qualityFlags = qualityFlags;
            c.modelId = modelId;
            c.modelVersion = modelVersion;
            c.calibrationPresence = calibrationPresence;
            c.calibrationHash = calibrationHash.clone();
            c.featuresPresence = featuresPresence;
            c.featuresHash = featuresHash.clone();
            return c;
        }

        byte[] encode() {
            LeWriter w = new LeWriter();
            writeTo(w);
            return w.toByteArray();
        }

        void writeTo(LeWriter w) {
            w.u16(version).str(marketId).u64(epochId).u32(tick).u64(windowStartMs).u64(windowEndMs);
            w.u16(outcomes.size());
            for (Outcome o : outcomes) {
                w.str(o.id).u32(o.p).u32(o.ciLow).u32(o.ciHigh);
            }
            w.u16(ciLevelBps).u16(riskScore).u32(qualityFlags).str(modelId).str(modelVersion);
            // A presence byte other than 0 is followed by the 32 hash bytes, so changing 1 to 2 changes one byte.
            w.u8(calibrationPresence);
            if (calibrationPresence != 0) {
                w.raw(calibrationHash);
            }
            w.u8(featuresPresence);
            if (featuresPresence != 0) {
                w.raw(featuresHash);
            }
        }
    }

    byte[] headerBytes() {
        LeWriter w = new LeWriter();
        w.u16(headerVersion).u32(signerSetId).u64(sequence).u64(roundStartMs).u64(roundEndMs).u64(producedAtMs);
        return w.toByteArray();
    }

    byte[] encode() {
        LeWriter w = new LeWriter();
        w.raw(headerBytes());
        w.u16(itemCountOverride != null ? itemCountOverride : items.size());
        for (Item it : items) {
            it.writeTo(w);
        }
        return w.toByteArray();
    }

    /** {@code bundle || u16 count || (public_key[32] || signature[64])*}, in the order given. */
    static byte[] signed(byte[] bundle, List<byte[][]> keyAndSignature) {
        LeWriter w = new LeWriter();
        w.raw(bundle).u16(keyAndSignature.size());
        for (byte[][] ks : keyAndSignature) {
            w.raw(ks[0]).raw(ks[1]);
        }
        return w.toByteArray();
    }
}
