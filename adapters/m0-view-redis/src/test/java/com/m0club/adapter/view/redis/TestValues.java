package com.m0club.adapter.view.redis;

import com.m0club.eventlog.Topic;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.publish.support.Fixture;
import com.m0club.publish.topic.PublishTopics;
import com.m0club.view.LedgerStatus;
import com.m0club.view.ServedValue;
import com.m0club.view.Withdrawal;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.OptionalLong;

/** Real served values (bundles of the publish fixture, signed 2-of-3) and the codecs of the event log topics. */
final class TestValues {
    private TestValues() {}

    static final PayloadCodec<ServedValue> VALUES = codec(PublishTopics.PUBLISHED);
    static final PayloadCodec<Withdrawal> WITHDRAWALS = codec(PublishTopics.WITHDRAWN);

    static <T> PayloadCodec<T> codec(Topic<T> topic) {
        return new PayloadCodec<>(topic.version(), topic::encode, b -> topic.decode(topic.version(), b));
    }

    /** A view on {@code url} with the topic codecs, short timeouts and reconnect delays. */
    static RedisView view(URI url, PrometheusRegistry registry) {
        return RedisView.builder(url).registry(registry).values(VALUES).withdrawals(WITHDRAWALS)
                .commandTimeout(Duration.ofSeconds(2)).connectRetry(Duration.ofMillis(100))
                .maxReconnectDelay(Duration.ofMillis(200)).build();
    }

    /**
     * BTC's value of a bundle of sequence {@code sequence}, as revealed in {@code revealSlot} (finalized or not):
     * real bytes, proof and signatures, so it round-trips through the topic codec like a served value does.
     */
    static ServedValue value(long sequence, long revealSlot, boolean finalized) {
        EncodedBundle bundle = Fixture.bundle(sequence, Fixture.T0 + 5_000 * (sequence % 1_000));
        SignedBundle signed = Fixture.sign(bundle, Fixture.K1, Fixture.K2);
        int leaf = 0;
        while (!bundle.bundle().items().get(leaf).marketId().equals(Fixture.BTC)) {
            leaf++;
        }
        return new ServedValue(Fixture.BTC, bundle.bundle().items().get(leaf), bundle.itemBytes(leaf),
                bundle.headerBytes(), bundle.proof(leaf), bundle.bundleHash(), Fixture.SET_ID, sequence, 2,
                signed.signatures(), finalized ? LedgerStatus.FINALIZED : LedgerStatus.REVEALED,
                Hash32.of(new byte[32]), Math.max(0, revealSlot - 1), revealSlot,
                finalized ? OptionalLong.of(revealSlot + 10) : OptionalLong.empty(), Fixture.T0 + revealSlot * 400);
    }

    static MarketId btc() {
        return Fixture.BTC;
    }

    /** Polls {@code condition} every 20 ms until it holds; fails naming {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
