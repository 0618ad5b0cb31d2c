package com.m0club.engine.topic;

import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.engine.ingest.NormalizedEvent;
import com.m0club.engine.ingest.SourceHealth;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.eventlog.Topic;
import com.m0club.eventlog.Topics;

/**
 * The topics the engine produces, each with its record's schema version and codec: the engine owns these record
 * types, so it defines their topics (it depends on the m0-eventlog port jar for {@link Topic} and its codec only).
 * All are keyed by {@code market_id}.
 */
public final class EngineTopics {
    /** Ingest to aggregate: validated, de-margined quotes. */
    public static final Topic<NormalizedEvent> EVENTS = Topic.of(Topics.EVENTS, NormalizedEvent.class,
            NormalizedEvent.SCHEMA_VERSION, NormalizedEventCodec.INSTANCE);
    /** Aggregate to quant: one feature vector per (market, epoch, tick). */
    public static final Topic<FeatureVector> FEATURES = Topic.of(Topics.FEATURES, FeatureVector.class,
            FeatureVector.SCHEMA_VERSION, FeatureVectorCodec.INSTANCE);
    /** Quant to bundler: one model output (publishable or blocked) per (market, epoch, tick). */
    public static final Topic<ModelOutput> OUTPUTS = Topic.of(Topics.OUTPUTS, ModelOutput.class,
            ModelOutput.SCHEMA_VERSION, ModelOutputCodec.INSTANCE);
    /**
     * The name of {@link #SOURCE_HEALTH}. It lives here until {@code com.m0club.eventlog.Topics} lists it beside the
     * others (that module is not changed by the connector work).
     */
    public static final String SOURCE_HEALTH_NAME = Topics.SOURCE_HEALTH;
    /** Ingest to aggregate: connector health per (source, market), so a degraded connector flags its markets. */
    public static final Topic<SourceHealth> SOURCE_HEALTH = Topic.of(SOURCE_HEALTH_NAME, SourceHealth.class,
            SourceHealth.SCHEMA_VERSION, SourceHealthCodec.INSTANCE);

    private EngineTopics() {}
}
