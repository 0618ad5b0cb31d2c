package com.m0club.protocol.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.HashTag;
import com.m0club.protocol.hash.TaggedHash;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuorumVerifierTest {
    final SecureRandom random = new SecureRandom(new byte[] {42});
    final List<SigningKey> members = List.of(SigningKey.generate(random), SigningKey.generate(random),
            SigningKey.generate(random));
    final SigningKey outsider = SigningKey.generate(random);
    final SignerSet set = SignerSet.builder().id(9).threshold(2)
            .keys(members.stream().map(SigningKey::publicKey).toList()).status(SignerSetStatus.ACTIVE).build();
    final Hash32 bundleHash = TaggedHash.of(HashTag.BUNDLE, new byte[] {1, 2, 3});
    final long sequence = 77;

    SignerSignature sign(SigningKey k, long seq) {
        return SignerSignature.of(k.publicKey(), k.sign(SignedMessage.digest(9, seq, bundleHash)));
    }

    QuorumCheck check(List<SignerSignature> sigs) {
        return QuorumVerifier.verify(set, 9, sequence, bundleHash, sigs);
    }

    @Test
    void thresholdOfDistinctMembersPasses() {
        QuorumCheck c = check(List.of(sign(members.get(0), sequence), sign(members.get(2), sequence)));
        assertThat(c).isInstanceOfSatisfying(QuorumCheck.Passed.class, p -> assertThat(p.validKeys()).hasSize(2));
    }

    @Test
    void oneBelowThresholdFails() {
        QuorumCheck c = check(List.of(sign(members.get(0), sequence)));
        assertThat(c).isInstanceOfSatisfying(QuorumCheck.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo(QuorumCheck.Reason.BELOW_THRESHOLD);
            assertThat(f.validCount()).isEqualTo(1);
        });
    }

    @Test
    void keysOutsideTheSetAreIgnored() {
        QuorumCheck c = check(List.of(sign(members.get(0), sequence), sign(outsider, sequence)));
        assertThat(c.passed()).isFalse();
        assertThat(((QuorumCheck.Failed) c).detail()).contains("1 from keys outside the set ignored");
        assertThat(check(List.of(sign(members.get(0), sequence), sign(outsider, sequence),
                sign(members.get(1), sequence))).passed()).isTrue();
    }

    @Test
    void theSameKeyTwiceCountsOnce() {
        SignerSignature s = sign(members.get(1), sequence);
        assertThat(check(List.of(s, s)).passed()).isFalse();
    }

    @Test
    void signatureForAnotherSequenceOrHashDoesNotCount() {
        assertThat(check(List.of(sign(members.get(0), sequence), sign(members.get(1), sequence + 1))).passed())
                .isFalse();
        byte[] sig = sign(members.get(1), sequence).signature();
        sig[10] ^= 1;
        assertThat(check(List.of(sign(members.get(0), sequence), SignerSignature.of(members.get(1).publicKey(), sig)))
                .passed()).isFalse();
    }

    @Test
    void bundleNamingAnotherSetFails() {
        QuorumCheck c = QuorumVerifier.verify(set, 10, sequence, bundleHash,
                List.of(sign(members.get(0), sequence), sign(members.get(1), sequence)));
        assertThat(c).isInstanceOfSatisfying(QuorumCheck.Failed.class,
                f -> assertThat(f.reason()).isEqualTo(QuorumCheck.Reason.SIGNER_SET_MISMATCH));
    }

    @Test
    void signerSetHasNoDefaultThresholdAndNeedsTwoOutsideDev() {
        List<SignerKey> keys = members.stream().map(SigningKey::publicKey).toList();
        assertThatThrownBy(() -> SignerSet.builder().id(1).keys(keys).build())
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.field()).isEqualTo("signer_set.threshold");
                    assertThat(e.getMessage()).contains("no default threshold");
                });
        assertThatThrownBy(() -> SignerSet.builder().id(1).threshold(1).keys(keys).build())
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.getMessage()).contains(">= 2 outside the dev profile"));
        assertThat(SignerSet.builder().id(1).threshold(1).key(keys.get(0)).allowSingleSigner().build().threshold())
                .isEqualTo(1);
        assertThatThrownBy(() -> SignerSet.builder().id(1).threshold(1).keys(keys).allowSingleSigner().build())
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.getMessage()).contains("only for a single-key dev set"));
        assertThatThrownBy(() -> new SignerSet(1, 1, keys.stream().sorted().toList(), SignerSetStatus.ACTIVE, 0))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> SignerSet.builder().id(1).threshold(4).keys(keys).build())
                .isInstanceOf(ProtocolException.class);
        List<SignerKey> dup = new ArrayList<>(keys);
        dup.add(keys.get(0));
        assertThatThrownBy(() -> SignerSet.builder().id(1).threshold(2).keys(dup).build())
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE));
    }

    @Test
    void signingIsDeterministicAndKeysNeverPrint() {
        SigningKey k = SigningKey.fromSeed(new byte[32]);
        Hash32 d = SignedMessage.digest(1, 1, bundleHash);
        assertThat(k.sign(d)).isEqualTo(SigningKey.fromSeed(new byte[32]).sign(d));
        assertThat(k.toString()).contains("<redacted>").doesNotContain(java.util.HexFormat.of().formatHex(k.seed()));
    }

    @Test
    void commitmentOpensOnlyWithItsSalt() {
        byte[] salt = Commitment.freshSalt(random);
        Hash32 c = Commitment.commitHash(bundleHash, salt);
        assertThat(Commitment.opens(c, bundleHash, salt)).isTrue();
        salt[0] ^= 1;
        assertThat(Commitment.opens(c, bundleHash, salt)).isFalse();
        assertThatThrownBy(() -> Commitment.commitHash(bundleHash, new byte[31]))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.field()).isEqualTo("salt"));
    }
}
