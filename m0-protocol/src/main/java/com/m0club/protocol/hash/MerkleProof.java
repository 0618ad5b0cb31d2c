package com.m0club.protocol.hash;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import java.util.List;

/**
 * An inclusion proof for one leaf: its index, the leaf count, and the sibling hashes from the leaf level upwards.
 * Levels where the node is the odd one out (promoted unchanged) contribute no sibling, so the path length is a
 * function of {@code (leafIndex, leafCount)}: {@link #expectedPathLength}. A proof whose path is longer or shorter
 * is malformed, not merely wrong.
 */
public record MerkleProof(int leafIndex, int leafCount, List<Hash32> path) {
    public MerkleProof {
        if (leafCount < 1) {
            throw new ProtocolException(ErrorCode.INVALID_PROOF, "leaf_count", "must be >= 1, got " + leafCount);
        }
        if (leafIndex < 0 || leafIndex >= leafCount) {
            throw new ProtocolException(ErrorCode.INVALID_PROOF, "leaf_index",
                    "must be in 0.." + (leafCount - 1) + ", got " + leafIndex);
        }
        path = List.copyOf(path);
        int expected = expectedPathLength(leafIndex, leafCount);
        if (path.size() != expected) {
            throw new ProtocolException(ErrorCode.INVALID_PROOF, "path",
                    "must have " + expected + " hashes for leaf " + leafIndex + " of " + leafCount + ", got "
                            + path.size());
        }
    }

    /** How many siblings the path of leaf {@code index} among {@code count} leaves holds. */
    public static int expectedPathLength(int index, int count) {
        int length = 0;
        while (count > 1) {
            boolean promoted = (index == count - 1) && (count % 2 == 1);
            if (!promoted) {
                length++;
            }
            index >>>= 1;
            count = (count + 1) >>> 1;
        }
        return length;
    }

    /** Folds the path over {@code leaf} and returns the merkle top it implies. */
    public Hash32 computeTop(Hash32 leaf) {
        Hash32 node = leaf;
        int index = leafIndex;
        int count = leafCount;
        int k = 0;
        while (count > 1) {
            boolean promoted = (index == count - 1) && (count % 2 == 1);
            if (!promoted) {
                Hash32 sibling = path.get(k++);
                node = (index & 1) == 0 ? TaggedHash.node(node, sibling) : TaggedHash.node(sibling, node);
            }
            index >>>= 1;
            count = (count + 1) >>> 1;
        }
        return node;
    }
}
