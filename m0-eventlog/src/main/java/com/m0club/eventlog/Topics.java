package com.m0club.eventlog;

/**
 * The names of M0Club's topics (docs/architecture.md, data flow). Only names: each record type, and so each
 * {@link Topic}, is defined by the module that produces it. All are keyed by {@code market_id}, except
 * {@link #BUNDLES}, keyed by signer set id.
 */
public final class Topics {
    /** NormalizedEvent: ingestor -> aggregator. */
    public static final String EVENTS = "m0.events";
    /** SourceHealth: ingestor -> aggregator (the markets of a degraded connector). */
    public static final String SOURCE_HEALTH = "m0.source-health";
    /** FeatureVector: aggregator -> quant. */
    public static final String FEATURES = "m0.features";
    /** ModelOutput: quant -> bundler. */
    public static final String OUTPUTS = "m0.outputs";
    /** BundleRef (m0-publish): bundler -> submitter, keyed by signer set id; the bundle itself stays in PostgreSQL. */
    public static final String BUNDLES = "m0.bundles";
    /** Published state: reconciler -> realtime, api-gateway. */
    public static final String PUBLISHED = "m0.published";
    /** Withdrawn values (the ledger does not back their bundle): reconciler -> realtime, api-gateway. */
    public static final String WITHDRAWN = "m0.withdrawn";

    private Topics() {}
}
