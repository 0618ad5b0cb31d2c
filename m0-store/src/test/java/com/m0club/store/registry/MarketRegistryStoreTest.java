package com.m0club.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.time.EpochSchedule;
import com.m0club.store.StoreConflictException;
import com.m0club.store.StoreNotFoundException;
import com.m0club.store.TestPostgres;
import com.m0club.store.postgres.Database;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MarketRegistryStoreTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    private Database db;
    private MarketRegistryStore store;

    @BeforeEach
    void setUp() {
        db = TestPostgres.freshMigratedDatabase(new PrometheusRegistry());
        store = new MarketRegistryStore(db, clock);
    }

    @AfterEach
    void tearDown() {
        TestPostgres.drop(db);
    }

    private static Market market(String id, String title, long cadence, MarketStatus status, String... outcomes) {
        return new Market(MarketId.of(id), Domain.SPORTS, title, Tier.NORMAL,
                java.util.Arrays.stream(outcomes).map(OutcomeId::of).toList(), new EpochSchedule(3_600_000, cadence),
                LedgerTiming.DEFAULTS, status);
    }

    @Test
    void upsertIsIdempotentAndRoundTripsEveryField() {
        Market m = new Market(MarketId.of("EPL_ARS_MCI"), Domain.SPORTS, "Arsenal v City", Tier.FAST,
                List.of(OutcomeId.of("HOME_WIN"), OutcomeId.of("DRAW"), OutcomeId.of("AWAY_WIN")),
                new EpochSchedule(3_600_000, 2_000), new LedgerTiming(5_000, 60_000, 70_000, 1_000),
                MarketStatus.ACTIVE);
        assertThat(store.upsert(m).change()).isEqualTo(MarketRegistryStore.Change.INSERTED);
        now.addAndGet(1_000);
        assertThat(store.upsert(m)).isEqualTo(new MarketRegistryStore.Upserted(MarketRegistryStore.Change.UNCHANGED, m));
        assertThat(store.get(m.id())).contains(m);
        assertThat(store.get(m.id()).orElseThrow().outcomes()).extracting(OutcomeId::value)
                .containsExactly("AWAY_WIN", "DRAW", "HOME_WIN");
        assertThat(store.get(MarketId.of("NOT_THERE"))).isEmpty();
        assertThat(store.statusHistory(m.id())).containsExactly(new MarketRegistryStore.StatusChange(m.id(),
                Optional.empty(), MarketStatus.ACTIVE, 1_700_000_000_000L, "created"));
    }

    @Test
    void upsertUpdatesTheDefinitionButKeepsTheOperatorsStatus() {
        store.upsert(market("NBA_LAL_BOS", "Lakers at Celtics", 1_500, MarketStatus.ACTIVE, "HOME_WIN", "AWAY_WIN"));
        store.setStatus(MarketId.of("NBA_LAL_BOS"), MarketStatus.PAUSED, "feed outage");

        Market reseeded = market("NBA_LAL_BOS", "Lakers at Celtics (game 7)", 3_000, MarketStatus.ACTIVE,
                "HOME_WIN", "AWAY_WIN");
        MarketRegistryStore.Upserted result = store.upsert(reseeded);
        assertThat(result.change()).isEqualTo(MarketRegistryStore.Change.UPDATED);
        assertThat(result.stored().status()).isEqualTo(MarketStatus.PAUSED);
        Market stored = store.get(MarketId.of("NBA_LAL_BOS")).orElseThrow();
        assertThat(stored.title()).isEqualTo("Lakers at Celtics (game 7)");
        assertThat(stored.schedule().publishCadenceMs()).isEqualTo(3_000);
        assertThat(stored.status()).isEqualTo(MarketStatus.PAUSED);
    }

    @Test
    void aMarketsDomainAndOutcomesNeverChange() {
        store.upsert(market("UCL_FINAL_WINNER", "Final", 5_000, MarketStatus.ACTIVE, "TEAM_A", "TEAM_B"));
        assertThatThrownBy(() -> store.upsert(market("UCL_FINAL_WINNER", "Final", 5_000, MarketStatus.ACTIVE,
                "TEAM_A", "TEAM_B", "DRAW")))
                .isInstanceOf(StoreConflictException.class)
                .hasMessageContaining("market UCL_FINAL_WINNER has outcomes [TEAM_A, TEAM_B]")
                .hasMessageContaining("use a new market id");
        Market otherDomain = new Market(MarketId.of("UCL_FINAL_WINNER"), Domain.POLITICS, "Final", Tier.NORMAL,
                List.of(OutcomeId.of("TEAM_A"), OutcomeId.of("TEAM_B")), new EpochSchedule(3_600_000, 5_000),
                LedgerTiming.DEFAULTS, MarketStatus.ACTIVE);
        assertThatThrownBy(() -> store.upsert(otherDomain)).hasMessageContaining("has domain SPORTS");
        assertThat(db.metrics().rejections("markets.upsert")).isEqualTo(2);
    }

    @Test
    void listIsInMarketIdOrder() {
        for (String id : List.of("POL_UK_GE_NEXT", "CRYPTO_SOL_VOL_7D", "MACRO_FED_NEXT_MOVE", "CRYPTO_BTC_RANGE_24H")) {
            store.upsert(market(id, "Market " + id, 5_000, MarketStatus.ACTIVE, "A", "B"));
        }
        assertThat(store.list()).extracting(m -> m.id().value())
                .containsExactly("CRYPTO_BTC_RANGE_24H", "CRYPTO_SOL_VOL_7D", "MACRO_FED_NEXT_MOVE", "POL_UK_GE_NEXT");
    }

    @Test
    void statusFollowsTheLifecycleAndEveryChangeIsRecorded() {
        MarketId id = MarketId.of("POL_EU_COMMISSION_VOTE");
        store.upsert(market(id.value(), "EU vote", 12_000, MarketStatus.DRAFT, "PASS", "FAIL"));
        now.set(1_700_000_001_000L);
        assertThat(store.setStatus(id, MarketStatus.ACTIVE, "vote scheduled").status()).isEqualTo(MarketStatus.ACTIVE);
        now.set(1_700_000_002_000L);
        store.setStatus(id, MarketStatus.PAUSED, "source outage");
        store.setStatus(id, MarketStatus.PAUSED, "pressed twice");

        assertThatThrownBy(() -> store.setStatus(id, MarketStatus.DRAFT, "oops"))
                .isInstanceOf(StoreConflictException.class)
                .hasMessageContaining("market POL_EU_COMMISSION_VOTE cannot move from PAUSED to DRAFT")
                .hasMessageContaining("may move to: ACTIVE, DEPRECATED");
        assertThat(db.metrics().rejections("markets.set_status")).isEqualTo(1);
        assertThat(store.get(id).orElseThrow().status()).isEqualTo(MarketStatus.PAUSED);

        assertThat(store.statusHistory(id)).extracting(c -> c.from().map(Enum::name).orElse("-") + ">" + c.to()
                + "@" + c.atMs() + ":" + c.reason())
                .containsExactly("->DRAFT@1700000000000:created", "DRAFT>ACTIVE@1700000001000:vote scheduled",
                        "ACTIVE>PAUSED@1700000002000:source outage");

        assertThatThrownBy(() -> store.setStatus(MarketId.of("NOT_THERE"), MarketStatus.PAUSED, "x"))
                .isInstanceOf(StoreNotFoundException.class).hasMessageContaining("NOT_THERE is not registered");
        assertThatThrownBy(() -> store.setStatus(id, MarketStatus.ACTIVE, " ")).hasMessageContaining("reason");
    }

    @Test
    void archivedIsFinal() {
        MarketId id = MarketId.of("OLD_MARKET");
        store.upsert(market(id.value(), "Old", 5_000, MarketStatus.ACTIVE, "A", "B"));
        store.setStatus(id, MarketStatus.DEPRECATED, "season over");
        store.setStatus(id, MarketStatus.ARCHIVED, "cleanup");
        assertThatThrownBy(() -> store.setStatus(id, MarketStatus.ACTIVE, "revive"))
                .hasMessageContaining("nothing, it is final");
    }

    @Test
    void theWholeExampleFileSeedsAndReseedsIdempotently() {
        List<Market> markets = MarketsFile.read(java.nio.file.Path.of("..", "config", "markets.toml"));
        for (Market m : markets) {
            assertThat(store.upsert(m).change()).isEqualTo(MarketRegistryStore.Change.INSERTED);
        }
        for (Market m : markets) {
            assertThat(store.upsert(m).change()).isEqualTo(MarketRegistryStore.Change.UNCHANGED);
        }
        assertThat(store.list()).hasSize(12).containsExactlyInAnyOrderElementsOf(markets);
    }
}
