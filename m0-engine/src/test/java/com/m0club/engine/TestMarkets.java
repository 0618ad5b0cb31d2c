package com.m0club.engine;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.time.EpochSchedule;
import java.util.Arrays;
import java.util.List;

/** The three example markets of the upstream config (a two-way, a three-way sports market, a crypto range). */
public final class TestMarkets {
    public static final MarketId NBA = MarketId.of("NBA_LAL_BOS");
    public static final MarketId EPL = MarketId.of("EPL_ARS_MCI");
    public static final MarketId BTC = MarketId.of("CRYPTO_BTC_RANGE_24H");

    private TestMarkets() {}

    public static Market nba() {
        return market(NBA, Domain.SPORTS, "Lakers at Celtics", 1_500, "HOME_WIN", "AWAY_WIN");
    }

    public static Market epl() {
        return market(EPL, Domain.SPORTS, "Arsenal v Manchester City", 2_000, "HOME_WIN", "DRAW", "AWAY_WIN");
    }

    public static Market btc() {
        return market(BTC, Domain.CRYPTO, "BTC 24h range", 1_000, "UP", "FLAT", "DOWN");
    }

    public static List<Market> all() {
        return List.of(nba(), epl(), btc());
    }

    public static Market market(MarketId id, Domain domain, String title, long cadenceMs, String... outcomes) {
        return new Market(id, domain, title, Tier.FAST, Arrays.stream(outcomes).map(OutcomeId::of).toList(),
                new EpochSchedule(3_600_000, cadenceMs), LedgerTiming.DEFAULTS, MarketStatus.ACTIVE);
    }
}
