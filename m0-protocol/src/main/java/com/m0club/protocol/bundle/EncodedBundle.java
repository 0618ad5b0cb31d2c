package com.m0club.protocol.bundle;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.codec.CanonicalWriter;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.HashTag;
import com.m0club.protocol.hash.MerkleProof;
import com.m0club.protocol.hash.MerkleTree;
import com.m0club.protocol.hash.TaggedHash;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.sign.SignedMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A bundle together with its canonical bytes, per-item bytes, merkle tree and {@code bundle_hash}, computed once.
 * Everything downstream (signing, committing, proving one market, serving) reads from here, so the bytes are
 * encoded once per bundle and cannot drift from the hash.
 *
 * <pre>
 *   leaf_i      = H("M0_LEAF_V1", item_bytes_i)
 *   bundle_hash = H("M0_BUNDLE_V1", header_bytes || u32 leaf_count || merkle_top)
 * </pre>
 */
public final class EncodedBundle {
    private final Bundle bundle;
    private final byte[] bytes;
    private final byte[] headerBytes;
    private final List<byte[]> itemBytes;
    private final MerkleTree tree;
    private final Hash32 bundleHash;

    private EncodedBundle(Bundle bundle, byte[] bytes, byte[] headerBytes, List<byte[]> itemBytes) {
        this.bundle = bundle;
        this.bytes = bytes;
        this.headerBytes = headerBytes;
        this.itemBytes = itemBytes;
        List<Hash32> leaves = new ArrayList<>(itemBytes.size());
        for (byte[] item : itemBytes) {
            leaves.add(leafHash(item));
        }
        this.tree = MerkleTree.build(leaves);
        this.bundleHash = bundleHash(headerBytes, leaves.size(), tree.top());
    }

    /** Encodes {@code bundle} canonically and hashes it. */
    public static EncodedBundle of(Bundle bundle) {
        byte[] headerBytes = BundleCodec.encodeHeader(bundle.header());
        List<byte[]> items = new ArrayList<>(bundle.items().size());
        int total = headerBytes.length + 2;
        for (BundleItem item : bundle.items()) {
            byte[] b = BundleCodec.encodeItem(item);
            items.add(b);
            total += b.length;
        }
        CanonicalWriter w = new CanonicalWriter(total);
        w.raw(headerBytes, 0, headerBytes.length).u16(items.size());
        for (byte[] b : items) {
            w.raw(b, 0, b.length);
        }
        return new EncodedBundle(bundle, w.toByteArray(), headerBytes, items);
    }

    static EncodedBundle fromParts(Bundle bundle, byte[] bytes, byte[] headerBytes, List<byte[]> itemBytes) {
        return new EncodedBundle(bundle, bytes, headerBytes, itemBytes);
    }

    public static Hash32 leafHash(byte[] itemBytes) {
        return TaggedHash.of(HashTag.LEAF, itemBytes);
    }

    public static Hash32 bundleHash(byte[] headerBytes, int leafCount, Hash32 merkleTop) {
        byte[] preimage = new byte[headerBytes.length + 4 + Hash32.LENGTH];
        System.arraycopy(headerBytes, 0, preimage, 0, headerBytes.length);
        int o = headerBytes.length;
        for (int i = 0; i < 4; i++) {
            preimage[o + i] = (byte) (leafCount >>> (8 * i));
        }
        merkleTop.copyTo(preimage, o + 4);
        return TaggedHash.of(HashTag.BUNDLE, preimage);
    }

    /**
     * Checks that {@code itemBytes} is in the bundle with hash {@code expectedBundleHash}, using only the header
     * bytes and the proof. This is all a consumer needs to verify one served market.
     */
    public static boolean verifyInclusion(byte[] itemBytes, MerkleProof proof, byte[] headerBytes,
            Hash32 expectedBundleHash) {
        Hash32 top = proof.computeTop(leafHash(itemBytes));
        return bundleHash(headerBytes, proof.leafCount(), top).equals(expectedBundleHash);
    }

    public Bundle bundle() {
        return bundle;
    }

    public BundleHeader header() {
        return bundle.header();
    }

    /** The canonical bundle bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    public byte[] headerBytes() {
        return headerBytes.clone();
    }

    public int itemCount() {
        return itemBytes.size();
    }

    public byte[] itemBytes(int index) {
        return itemBytes.get(index).clone();
    }

    public Hash32 bundleHash() {
        return bundleHash;
    }

    public Hash32 merkleTop() {
        return tree.top();
    }

    public Hash32 leaf(int index) {
        return tree.leaf(index);
    }

    /** The digest signers sign for this bundle. */
    public Hash32 signedMessage() {
        return SignedMessage.digest(header().signerSetId(), header().sequence(), bundleHash);
    }

    public MerkleProof proof(int index) {
        return tree.proof(index);
    }

    /** The leaf index of {@code market}, by binary search over the canonical order. */
    public int indexOf(MarketId market) {
        List<BundleItem> items = bundle.items();
        int lo = 0;
        int hi = items.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = items.get(mid).marketId().compareTo(market);
            if (cmp == 0) {
                return mid;
            }
            if (cmp < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        throw new ProtocolException(ErrorCode.INVALID_PROOF, "market_id",
                market + " is not in bundle " + bundleHash.toHex());
    }
}
