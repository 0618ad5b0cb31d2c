package com.m0club.protocol.hash;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary merkle tree of protocol v1 over a bundle's leaves. Pairs are hashed left to right with
 * {@code H("M0_NODE_V1", left || right)}; an odd node at the end of a level is promoted unchanged (not duplicated,
 * so no two different leaf lists share a top: see docs/protocol.md). The leaf count is bound into the bundle hash.
 */
public final class MerkleTree {
    private final List<Hash32[]> levels;

    private MerkleTree(List<Hash32[]> levels) {
        this.levels = levels;
    }

    /** Builds the tree; {@code leaves} are already tagged leaf hashes. */
    public static MerkleTree build(List<Hash32> leaves) {
        if (leaves.isEmpty()) {
            throw new ProtocolException(ErrorCode.EMPTY, "leaves", "a merkle tree needs at least one leaf");
        }
        List<Hash32[]> levels = new ArrayList<>();
        Hash32[] level = leaves.toArray(new Hash32[0]);
        levels.add(level);
        while (level.length > 1) {
            Hash32[] next = new Hash32[(level.length + 1) / 2];
            for (int i = 0; i + 1 < level.length; i += 2) {
                next[i / 2] = TaggedHash.node(level[i], level[i + 1]);
            }
            if (level.length % 2 == 1) {
                next[next.length - 1] = level[level.length - 1];
            }
            levels.add(next);
            level = next;
        }
        return new MerkleTree(levels);
    }

    public int leafCount() {
        return levels.get(0).length;
    }

    public Hash32 leaf(int index) {
        return levels.get(0)[index];
    }

    /** The root of the tree, called the merkle top in bundle_hash's preimage. */
    public Hash32 top() {
        return levels.get(levels.size() - 1)[0];
    }

    /** The inclusion proof of leaf {@code index}. */
    public MerkleProof proof(int index) {
        int count = leafCount();
        if (index < 0 || index >= count) {
            throw new ProtocolException(ErrorCode.INVALID_PROOF, "leaf_index",
                    "must be in 0.." + (count - 1) + ", got " + index);
        }
        List<Hash32> path = new ArrayList<>();
        int i = index;
        for (int l = 0; l < levels.size() - 1; l++) {
            Hash32[] level = levels.get(l);
            int sibling = i ^ 1;
            if (sibling < level.length) {
                path.add(level[sibling]);
            }
            i >>>= 1;
        }
        return new MerkleProof(index, count, path);
    }
}
