package com.m0club.publish.topic;

import com.m0club.eventlog.Topic;
import com.m0club.eventlog.Topics;
import com.m0club.view.ServedValue;
import com.m0club.view.Withdrawal;

/**
 * The topics the publishing plane produces, each with its record's schema version and codec. ({@code m0.bundles} is
 * still defined where the bundler is wired, with {@link SignedBundleCodec}; it moves here with the bundler.)
 */
public final class PublishTopics {
    public static final int PUBLISHED_VERSION = 1;

    /** Reconciler to realtime and the API: every served value the ledger revealed or finalized, keyed by market. */
    public static final Topic<ServedValue> PUBLISHED = Topic.of(Topics.PUBLISHED, ServedValue.class,
            PUBLISHED_VERSION, ServedValueCodec.INSTANCE);

    public static final int WITHDRAWN_VERSION = 1;

    /** Reconciler to realtime and the API: a served value withdrawn because the ledger does not back its bundle. */
    public static final Topic<Withdrawal> WITHDRAWN = Topic.of(Topics.WITHDRAWN, Withdrawal.class,
            WITHDRAWN_VERSION, WithdrawalCodec.INSTANCE);

    private PublishTopics() {}
}
