package com.m0club.protocol.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MerkleProperties {

    static List<Hash32> leaves(int n) {
        List<Hash32> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TaggedHash.of(HashTag.LEAF, ("item-" + i).getBytes(StandardCharsets.US_ASCII)));
        }
        return out;
    }

    @Property(tries = 200)
    void everyLeafProofVerifiesAndHasTheExpectedLength(@ForAll @IntRange(min = 1, max = 300) int n) {
        List<Hash32> leaves = leaves(n);
        MerkleTree tree = MerkleTree.build(leaves);
        for (int i = 0; i < n; i++) {
            MerkleProof proof = tree.proof(i);
            assertThat(proof.path()).hasSize(MerkleProof.expectedPathLength(i, n));
            assertThat(proof.computeTop(leaves.get(i))).isEqualTo(tree.top());
        }
    }

    @Property(tries = 200)
    void aProofDoesNotVerifyAnotherLeafOrIndex(@ForAll @IntRange(min = 2, max = 200) int n,
            @ForAll @IntRange(min = 0, max = 10_000) int a, @ForAll @IntRange(min = 1, max = 10_000) int shift) {
        List<Hash32> leaves = leaves(n);
        MerkleTree tree = MerkleTree.build(leaves);
        int i = a % n;
        int j = (i + shift) % n;
        if (i == j) {
            j = (i + 1) % n;
        }
        MerkleProof proof = tree.proof(i);
        // another item under this proof
        assertThat(proof.computeTop(leaves.get(j))).isNotEqualTo(tree.top());
        // this item claimed at another index, when the path shape allows the claim at all
        if (MerkleProof.expectedPathLength(j, n) == proof.path().size()) {
            assertThat(new MerkleProof(j, n, proof.path()).computeTop(leaves.get(i))).isNotEqualTo(tree.top());
        }
    }

    @Property(tries = 100)
    void flippingAnyPathByteBreaksTheProof(@ForAll @IntRange(min = 2, max = 100) int n,
            @ForAll @IntRange(min = 0, max = 10_000) int a, @ForAll @IntRange(min = 0, max = 10_000) int b) {
        List<Hash32> leaves = leaves(n);
        MerkleTree tree = MerkleTree.build(leaves);
        MerkleProof proof = tree.proof(a % n);
        if (proof.path().isEmpty()) {
            return;
        }
        List<Hash32> path = new ArrayList<>(proof.path());
        int k = b % path.size();
        byte[] bytes = path.get(k).toByteArray();
        bytes[b % 32] ^= 1;
        path.set(k, Hash32.of(bytes));
        assertThat(new MerkleProof(proof.leafIndex(), n, path).computeTop(leaves.get(a % n)))
                .isNotEqualTo(tree.top());
    }

    @Test
    void oddNodeIsPromotedNotDuplicated() {
        List<Hash32> l = leaves(3);
        Hash32 expected = TaggedHash.node(TaggedHash.node(l.get(0), l.get(1)), l.get(2));
        assertThat(MerkleTree.build(l).top()).isEqualTo(expected);
        assertThat(MerkleTree.build(l).proof(2).path()).containsExactly(TaggedHash.node(l.get(0), l.get(1)));
    }

    @Test
    void singleLeafIsItsOwnTop() {
        List<Hash32> l = leaves(1);
        assertThat(MerkleTree.build(l).top()).isEqualTo(l.get(0));
        assertThat(MerkleTree.build(l).proof(0).path()).isEmpty();
    }

    @Test
    void malformedProofsAreRejectedWithTheField() {
        assertThatThrownBy(() -> new MerkleProof(5, 5, List.of()))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PROOF);
                    assertThat(e.field()).isEqualTo("leaf_index");
                });
        assertThatThrownBy(() -> new MerkleProof(0, 4, leaves(1)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.field()).isEqualTo("path"));
        assertThatThrownBy(() -> MerkleTree.build(List.of())).isInstanceOf(ProtocolException.class);
    }

    @Test
    void tagsSeparateDomains() {
        byte[] input = new byte[64];
        assertThat(TaggedHash.of(HashTag.NODE, input)).isNotEqualTo(TaggedHash.of(HashTag.LEAF, input));
        Hash32 zero = Hash32.of(new byte[32]);
        assertThat(TaggedHash.node(zero, zero)).isEqualTo(TaggedHash.of(HashTag.NODE, input));
    }
}
