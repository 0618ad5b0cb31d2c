package com.m0club.bench;

import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.MerkleProof;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Merkle inclusion proofs over the 64 leaves of the benchmark bundle: generating a proof for one market, and checking
 * one against the bundle hash with only the item bytes, the header bytes and the path.
 *
 * <p>Why: the API serves one market with its proof on every single-market read, consumers verify it, and a bundle too
 * large for one ledger transaction is revealed item by item with these paths. The index rotates over all 64 leaves so
 * that every path shape is measured, not just leaf 0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MerkleBench {
    private EncodedBundle encoded;
    private byte[] headerBytes;
    private Hash32 bundleHash;
    private byte[][] itemBytes;
    private MerkleProof[] proofs;
    private int next;

    @Setup
    public void setup() {
        encoded = EncodedBundle.of(BenchData.bundle());
        headerBytes = encoded.headerBytes();
        bundleHash = encoded.bundleHash();
        int n = encoded.itemCount();
        if (n != BenchData.MARKETS || Integer.bitCount(n) != 1) {
            throw new IllegalStateException("the rotating index assumes a power-of-two leaf count, got " + n);
        }
        itemBytes = new byte[n][];
        proofs = new MerkleProof[n];
        for (int i = 0; i < n; i++) {
            itemBytes[i] = encoded.itemBytes(i);
            proofs[i] = encoded.proof(i);
            if (!EncodedBundle.verifyInclusion(itemBytes[i], proofs[i], headerBytes, bundleHash)) {
                throw new IllegalStateException("proof " + i + " does not verify");
            }
        }
    }

    private int nextIndex() {
        int i = next;
        next = (i + 1) & (BenchData.MARKETS - 1);
        return i;
    }

    /** {@code EncodedBundle.proof(i)}: collect the 6 siblings of leaf i from the prebuilt tree. */
    @Benchmark
    public MerkleProof proofGenerate() {
        return encoded.proof(nextIndex());
    }

    /** {@code EncodedBundle.verifyInclusion}: 1 leaf hash, 6 node hashes and 1 bundle hash, then compare. */
    @Benchmark
    public boolean proofVerify() {
        int i = nextIndex();
        return EncodedBundle.verifyInclusion(itemBytes[i], proofs[i], headerBytes, bundleHash);
    }
}
