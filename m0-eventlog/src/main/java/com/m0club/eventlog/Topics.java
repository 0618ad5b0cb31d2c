package com.m0club.eventlog;

/**
 * The names of M0Club's topics (docs/architecture.md, data flow). Only names: each record type, and so each
 * {@link Topic}, is defined by the module that produces it. All are keyed by {@code market_id}, except
 * {@link #BUNDLES}, keyed by publish round.
 */
public final class Topics {
    /** NormalizedEvent: ingestor -> aggregator. */
    public static final String EVENTS = "m0.events";
    /** FeatureVector: aggregator -> quant. */
    public static final String FEATURES = "m0.features";
    /** ModelOutput: quant -> bundler. */
    public static final String OUTPUTS = "m0.outputs";
    /** SignedBundle: bundler -> submitter (keyed by round). */
    public static final String BUNDLES = "m0.bundles";
    /** Published state: reconciler -> realtime, api-gateway. */
    public static final String PUBLISHED = "m0.published";
    /** Withdrawn values (the ledger does not back their bundle): reconciler -> realtime, api-gateway. */
    public static final String WITHDRAWN = "m0.withdrawn";

    private Topics() {}
}
