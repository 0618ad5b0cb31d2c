package com.m0club.publish.submit;

import static com.m0club.publish.support.Fixture.SET_ID;
import static com.m0club.publish.support.Fixture.counter;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.protocol.hash.Hash32;
import com.m0club.publish.bundle.BundleRef;
import com.m0club.publish.support.PublishWorld;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reference from {@code m0.bundles} is resolved against PostgreSQL; one that does not match is counted, dropped. */
class BundleRefResolverTest {
    private static final String REJECTED = "m0_submitter_bundle_refs_rejected_total";

    @TempDir
    Path dir;

    private PublishWorld world;
    private PrometheusRegistry metrics;
    private BundleRefResolver resolver;

    @BeforeEach
    void setUp() throws Exception {
        world = new PublishWorld(dir.resolve("ledger"));
        metrics = new PrometheusRegistry();
        resolver = new BundleRefResolver(world.store, metrics);
    }

    @AfterEach
    void tearDown() {
        world.close();
    }

    @Test
    void aReferenceToAStoredBundleResolvesToItsPlaceInTheQueue() {
        PublishWorld.Built built = world.signed(1);

        assertThat(resolver.resolve(BundleRef.of(built.bundle())))
                .contains(new Submitter.Pending(built.hash(), SET_ID, 1));
        assertThat(counter(metrics, REJECTED)).isZero();
    }

    @Test
    void aReferenceWithoutAStoredBundleIsCountedAndDropped() {
        world.signed(1);
        byte[] hash = new byte[32];
        Arrays.fill(hash, (byte) 9);

        assertThat(resolver.resolve(new BundleRef(SET_ID, 2, Hash32.of(hash)))).isEmpty();
        assertThat(counter(metrics, REJECTED, "reason", "missing")).isEqualTo(1);
    }

    @Test
    void aReferenceWhoseHashDiffersFromTheStoredBundleIsCountedAndDropped() {
        world.signed(1);
        byte[] hash = new byte[32];
        Arrays.fill(hash, (byte) 9);

        assertThat(resolver.resolve(new BundleRef(SET_ID, 1, Hash32.of(hash)))).isEmpty();
        assertThat(counter(metrics, REJECTED, "reason", "hash_mismatch")).isEqualTo(1);
        assertThat(counter(metrics, REJECTED, "reason", "missing")).isZero();
    }
}
