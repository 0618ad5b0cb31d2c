package com.m0club.bench;

import com.m0club.protocol.bundle.Bundle;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.fixed.Distribution.DoubleOutcome;
import com.m0club.protocol.hash.Hash32;
import java.util.List;
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
 * Cost of turning one publish round into its {@code bundle_hash}, and of reading it back, for a 64-market bundle of
 * three-outcome (HOME/DRAW/AWAY) markets with a 95% interval, a model ref and a features hash per item.
 *
 * <p>Why: every publish round pays {@code build + encode + hash} once in the bundler, and every signer agent pays
 * {@code decode} (which re-derives the leaves, the merkle top and the bundle hash from the received bytes) before it
 * signs. The upstream budget is "bundle construction + hash under 20 ms p95"; {@link #buildEncodeHash} is sampled
 * per call so that the p95 can be read directly from its percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BundleBench {
    private List<String> marketIds;
    private List<List<DoubleOutcome>> outputs;
    private List<Hash32> features;
    private Bundle bundle;
    private byte[] bytes;
    private Hash32 expectedHash;

    @Setup
    public void setup() {
        marketIds = BenchData.marketIds();
        outputs = BenchData.modelOutputs();
        features = BenchData.featuresHashes();
        bundle = BenchData.buildBundle(marketIds, outputs, features);
        EncodedBundle encoded = EncodedBundle.of(bundle);
        bytes = encoded.bytes();
        expectedHash = encoded.bundleHash();
        // Never measure a broken path: the decoder must accept the bytes and agree on the hash.
        if (encoded.itemCount() != BenchData.MARKETS || !BundleCodec.decode(bytes).bundleHash().equals(expectedHash)) {
            throw new IllegalStateException("bench bundle does not round-trip");
        }
    }

    /** Canonical encoding of a prebuilt bundle, its 64 leaf hashes, merkle tree and bundle hash. */
    @Benchmark
    public Hash32 encodeAndHash() {
        return EncodedBundle.of(bundle).bundleHash();
    }

    /** Strict decode of the same bytes, including the re-hash a signer agent gets for free from the decoder. */
    @Benchmark
    public EncodedBundle decode() {
        return BundleCodec.decode(bytes);
    }

    /**
     * The whole upstream-target path, sampled per call: from precomputed model doubles, market ids and features
     * hashes to the bundle hash, i.e. id validation, doubles to fixed point ({@code fromDoubles}), item validation,
     * canonical sort, encode, merkle tree and bundle hash.
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Measurement(iterations = 5, time = 2)
    public Hash32 buildEncodeHash() {
        return EncodedBundle.of(BenchData.buildBundle(marketIds, outputs, features)).bundleHash();
    }
}
