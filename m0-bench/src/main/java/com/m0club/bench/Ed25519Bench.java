package com.m0club.bench;

import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.QuorumCheck;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.protocol.sign.SigningKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ed25519 over the 32-byte signed-message digest of the benchmark bundle: BouncyCastle (what m0-protocol uses, via
 * {@link SigningKey#sign} and {@link SignerSignature#verifies}) against the JDK's own "Ed25519" provider, same key,
 * same digest, same JVM and same run, so their ratio is not skewed by machine or JIT differences between runs. Both
 * are deterministic (RFC 8032), and setup checks that they produce the identical signature and accept each other's.
 *
 * <p>Also {@link SignedBundle#verify}, i.e. {@code QuorumVerifier.verify}, against a 2-of-3 signer set with 2 and
 * with 3 signatures attached: the verifier checks every signature from a key of the set (it does not stop at m), so
 * its cost is one digest plus one Ed25519 verify per attached signature.
 *
 * <p>Why: signing is one call per signer per bundle, but verification runs in every signer agent, the ledger
 * adapter and every consumer, and is the figure behind the BouncyCastle-over-JDK choice in {@link SigningKey}.
 * Both sides keep their key objects across calls (BC caches the decoded public point in {@code SignerKey}; the JDK
 * {@link Signature} stays initialised), which is how a long-lived verifier would use either.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Ed25519Bench {
    /** DER prefix of an X.509 SubjectPublicKeyInfo for an Ed25519 key (RFC 8410), followed by the 32 key bytes. */
    private static final byte[] X509_ED25519_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Hash32 digest;
    private byte[] digestBytes;

    private SigningKey bcKey;
    private SignerSignature bcSignature;

    private Signature jdkSigner;
    private Signature jdkVerifier;
    private byte[] jdkSignature;

    @Setup
    public void setup() throws GeneralSecurityException {
        EncodedBundle encoded = EncodedBundle.of(BenchData.bundle());
        digest = encoded.signedMessage();
        digestBytes = digest.toByteArray();

        byte[] seed = seed(1);
        bcKey = SigningKey.fromSeed(seed);
        bcSignature = SignerSignature.of(bcKey.publicKey(), bcKey.sign(digest));

        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        PrivateKey jdkPrivate = kf.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        byte[] spki = Arrays.copyOf(X509_ED25519_PREFIX, X509_ED25519_PREFIX.length + 32);
        System.arraycopy(bcKey.publicKey().toByteArray(), 0, spki, X509_ED25519_PREFIX.length, 32);
        PublicKey jdkPublic = kf.generatePublic(new X509EncodedKeySpec(spki));
        jdkSigner = Signature.getInstance("Ed25519");
        jdkSigner.initSign(jdkPrivate);
        jdkVerifier = Signature.getInstance("Ed25519");
        jdkVerifier.initVerify(jdkPublic);

        jdkSigner.update(digestBytes);
        jdkSignature = jdkSigner.sign();
        // Same algorithm, same key, same message: both must do the same work and agree byte for byte.
        if (!Arrays.equals(jdkSignature, bcKey.sign(digest)) || !bcSignature.verifies(digest)
                || !jdkVerify()) {
            throw new IllegalStateException("BouncyCastle and JDK Ed25519 disagree");
        }
    }

    static byte[] seed(int k) {
        byte[] seed = new byte[SigningKey.SEED_LENGTH];
        Arrays.fill(seed, (byte) (0x40 + k));
        return seed;
    }

    /** BouncyCastle sign, through {@link SigningKey#sign}. */
    @Benchmark
    public byte[] bcSign() {
        return bcKey.sign(digest);
    }

    /** BouncyCastle verify, through {@link SignerSignature#verifies}. */
    @Benchmark
    public boolean bcVerify() {
        return bcSignature.verifies(digest);
    }

    /** JDK provider sign ({@code Signature.getInstance("Ed25519")}, initialised once). */
    @Benchmark
    public byte[] jdkSign() throws GeneralSecurityException {
        jdkSigner.update(digestBytes);
        return jdkSigner.sign();
    }

    /** JDK provider verify ({@code Signature.getInstance("Ed25519")}, initialised once). */
    @Benchmark
    public boolean jdkVerify() throws GeneralSecurityException {
        jdkVerifier.update(digestBytes);
        return jdkVerifier.verify(jdkSignature);
    }

    /** A signed bundle and a 2-of-3 signer set, with {@link #signatures} of the three signers' signatures. */
    @State(Scope.Benchmark)
    public static class Quorum {
        /** How many of the three signers' signatures are attached (2 = exactly the threshold, 3 = all). */
        @Param({"2", "3"})
        public int signatures;

        SignedBundle signed;
        SignerSet set;

        @Setup
        public void setup() {
            EncodedBundle encoded = EncodedBundle.of(BenchData.bundle());
            SignerSet.Builder builder = SignerSet.builder()
                    .id(BenchData.SIGNER_SET_ID)
                    .threshold(2)
                    .status(SignerSetStatus.ACTIVE)
                    .activationMs(BenchData.ROUND_START_MS);
            List<SignerSignature> sigs = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                SigningKey key = SigningKey.fromSeed(seed(10 + k));
                builder.key(key.publicKey());
                if (k < signatures) {
                    sigs.add(SignerSignature.of(key.publicKey(), key.sign(encoded.signedMessage())));
                }
            }
            set = builder.build();
            signed = SignedBundle.of(encoded, sigs);
            QuorumCheck check = signed.verify(set);
            if (!(check instanceof QuorumCheck.Passed passed) || passed.validKeys().size() != signatures) {
                throw new IllegalStateException("quorum bench setup does not pass: " + check);
            }
        }
    }

    /** {@code SignedBundle.verify} = {@code QuorumVerifier.verify}: digest, set membership, Ed25519 per signature. */
    @Benchmark
    public QuorumCheck quorumVerify2of3(Quorum q) {
        return q.signed.verify(q.set);
    }
}
