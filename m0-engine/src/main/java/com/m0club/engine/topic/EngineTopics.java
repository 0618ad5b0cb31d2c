package com.m0club.engine.topic;

import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.engine.ingest.NormalizedEvent;
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

    private EngineTopics() {}
}
