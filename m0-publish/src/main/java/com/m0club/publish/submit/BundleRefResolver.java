package com.m0club.publish.submit;

import com.m0club.publish.bundle.BundleRef;
import com.m0club.publish.store.PublishStore;
import com.m0club.publish.store.PublishStore.StoredBundle;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link BundleRef} from {@code m0.bundles} into the bundle the submitter works on, loaded from PostgreSQL
 * (the single source of truth) by {@code (signerSetId, sequence)}. A reference whose row is missing, or whose row
 * holds another bundle hash, is an error: logged, counted in
 * {@code m0_submitter_bundle_refs_rejected_total{reason="missing"|"hash_mismatch"}} and dropped, never a crash. A
 * store that cannot be read ({@code reason="store_unavailable"}) drops the reference too: the bundle is stored
 * SIGNED, so the submitter's resume pass finds it again.
 */
public final class BundleRefResolver {
    private static final Logger LOG = LoggerFactory.getLogger(BundleRefResolver.class);

    private final PublishStore store;
    private final Counter rejected;

    public BundleRefResolver(PublishStore store, PrometheusRegistry registry) {
        this.store = Objects.requireNonNull(store, "store");
        this.rejected = Counter.builder().name("m0_submitter_bundle_refs_rejected_total")
                .help("Bundle references from m0.bundles the submitter dropped, by reason: missing (no stored"
                        + " bundle at that set and sequence), hash_mismatch (the stored bundle has another hash),"
                        + " store_unavailable (left for the resume pass)")
                .labelNames("reason").register(Objects.requireNonNull(registry, "registry"));
        rejected.labelValues("missing");
        rejected.labelValues("hash_mismatch");
        rejected.labelValues("store_unavailable");
    }

    /** The stored bundle {@code ref} names, as the submitter queues it; empty (and counted) when it does not match. */
    public Optional<Submitter.Pending> resolve(BundleRef ref) {
        Objects.requireNonNull(ref, "ref");
        Optional<StoredBundle> stored;
        try {
            stored = store.findBySequence(ref.signerSetId(), ref.sequence());
        } catch (RuntimeException db) {
            rejected.labelValues("store_unavailable").inc();
            LOG.warn("bundle reference set={} sequence={} hash={} not resolved (left for the resume pass): {}",
                    ref.signerSetId(), ref.sequence(), ref.bundleHash().toHex(), db.toString());
            return Optional.empty();
        }
        if (stored.isEmpty()) {
            rejected.labelValues("missing").inc();
            LOG.error("bundle reference set={} sequence={} hash={} names no stored bundle; dropped",
                    ref.signerSetId(), ref.sequence(), ref.bundleHash().toHex());
            return Optional.empty();
        }
        if (!stored.get().bundleHash().equals(ref.bundleHash())) {
            rejected.labelValues("hash_mismatch").inc();
            LOG.error("bundle reference set={} sequence={} hash={} disagrees with the stored bundle {}; dropped",
                    ref.signerSetId(), ref.sequence(), ref.bundleHash().toHex(),
                    stored.get().bundleHash().toHex());
            return Optional.empty();
        }
        return Optional.of(new Submitter.Pending(ref.bundleHash(), ref.signerSetId(), ref.sequence()));
    }
}
