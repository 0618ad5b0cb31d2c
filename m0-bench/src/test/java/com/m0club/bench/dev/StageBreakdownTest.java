package com.m0club.bench.dev;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.chain.LedgerEvent;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.time.EpochSchedule;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StageBreakdownTest {
    private static final MarketId M = MarketId.of("FAST_M");

    @Test
    void splitsTickToRevealIntoProducedCommittedRevealed() {
        Hash32 bundle = hash(1);
        Hash32 early = hash(2);
        List<LedgerEvent> events = List.of(
                new LedgerEvent.Committed(0, 1, 500, "tx0", hash(9), 1, 1),
                new LedgerEvent.Revealed(1, 2, 800, "tx1", early, 1, 1, hash(9), List.of(M)), // before the window
                new LedgerEvent.ItemAccepted(2, 2, 800, "tx1", M, 0, 0, early, 0),
                new LedgerEvent.Committed(3, 10, 603_700, "tx2", hash(8), 1, 2),
                new LedgerEvent.Revealed(4, 11, 604_000, "tx3", bundle, 1, 2, hash(8), List.of(M)),
                new LedgerEvent.ItemAccepted(5, 11, 604_000, "tx3", M, 10, 3, bundle, 0));
        StageBreakdown b = StageBreakdown.of(events,
                h -> Optional.of(new BundleHeader(1, h.equals(bundle) ? 2 : 1, 602_000, 603_000,
                        h.equals(bundle) ? 603_600 : 400)),
                id -> Optional.of(new Market(M, Domain.CRYPTO, "m", Tier.FAST, List.of(OutcomeId.of("A"),
                        OutcomeId.of("B")), new EpochSchedule(60_000, 1_000), LedgerTiming.DEFAULTS,
                        MarketStatus.ACTIVE)),
                1_000);
        assertThat(b.tickToProduced().count()).isEqualTo(1);
        assertThat(b.tickToProduced().p50()).isEqualTo(603_600 - 603_000);
        assertThat(b.producedToCommitted().p50()).isEqualTo(100);
        assertThat(b.committedToRevealed().p50()).isEqualTo(300);
        assertThat(b.tickToRevealed().p50()).isEqualTo(1_000);
    }

    private static Hash32 hash(int b) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) b;
        return Hash32.of(bytes);
    }
}
