package com.m0club.publish.topic;

import com.m0club.eventlog.Topic;
import com.m0club.publish.bundle.BundleRef;
import com.m0club.publish.bundle.BundleRefCodec;
import com.m0club.eventlog.Topics;
import com.m0club.view.ServedValue;
import com.m0club.view.Withdrawal;

/** The topics the publishing plane produces, each with its record's schema version and codec. */
public final class PublishTopics {
    public static final int PUBLISHED_VERSION = 1;

    /** Reconciler to realtime and the API: every served value the ledger revealed or finalized, keyed by market. */
    public static final Topic<ServedValue> PUBLISHED = Topic.of(Topics.PUBLISHED, ServedValue.class,
            PUBLISHED_VERSION, ServedValueCodec.INSTANCE);

    /**
     * Bundler to submitter: a reference to a signed bundle (the bundle itself stays in PostgreSQL, the single source
     * of truth), keyed by signer set id so each set's references stay in order.
     */
    public static final Topic<BundleRef> BUNDLES = Topic.of(Topics.BUNDLES, BundleRef.class, BundleRef.SCHEMA_VERSION,
            BundleRefCodec.INSTANCE);
    public static final int WITHDRAWN_VERSION = 1;

    /** Reconciler to realtime and the API: a served value withdrawn because the ledger does not back its bundle. */
    public static final Topic<Withdrawal> WITHDRAWN = Topic.of(Topics.WITHDRAWN, Withdrawal.class,
            WITHDRAWN_VERSION, WithdrawalCodec.INSTANCE);

    private PublishTopics() {}
}
