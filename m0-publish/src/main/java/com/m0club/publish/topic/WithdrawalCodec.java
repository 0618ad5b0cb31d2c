package com.m0club.publish.topic;

import com.m0club.eventlog.RecordCodec;
import com.m0club.eventlog.RecordReader;
import com.m0club.eventlog.RecordWriter;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.view.Withdrawal;

/**
 * {@link Withdrawal} on {@code m0.withdrawn}, schema version {@value PublishTopics#WITHDRAWN_VERSION}
 * ({@link RecordWriter} layout): {@code str market_id, [32] bundle_hash}.
 */
public final class WithdrawalCodec implements RecordCodec<Withdrawal> {
    public static final WithdrawalCodec INSTANCE = new WithdrawalCodec();

    private WithdrawalCodec() {}

    @Override
    public byte[] encode(Withdrawal w) {
        return new RecordWriter(64).str(w.marketId().value()).raw(w.bundleHash().toByteArray()).toByteArray();
    }

    @Override
    public Withdrawal decode(byte[] bytes) {
        return RecordReader.decode("Withdrawal", bytes, r -> new Withdrawal(MarketId.of(r.str("market_id")),
                Hash32.of(r.raw("bundle_hash", Hash32.LENGTH))));
    }
}
