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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MarketsFileTest {
    private static final String MINIMAL = """
            [[markets]]
            id = "CRYPTO_BTC_RANGE_24H"
            domain = "CRYPTO"
            title = "BTC"
            tier = "FAST"
            outcomes = ["UP", "FLAT", "DOWN"]
            """;

    private static Map<String, Market> byId(List<Market> markets) {
        return markets.stream().collect(Collectors.toMap(m -> m.id().value(), Function.identity()));
    }

    @Test
    void theProjectsMarketsFileHoldsTheUpstreamExampleMarkets() {
        List<Market> markets = MarketsFile.read(Path.of("..", "config", "markets.toml"));
        assertThat(markets).as("the 11 rows of the upstream table, one of them two markets").hasSize(12);
        Map<String, Market> m = byId(markets);
        assertThat(m.keySet()).containsExactlyInAnyOrder("CRYPTO_BTC_RANGE_24H", "CRYPTO_ETH_RANGE_24H",
                "CRYPTO_SOL_VOL_7D", "MACRO_US_CPI_YOY_NEXT", "MACRO_FED_NEXT_MOVE", "MACRO_US10Y_RANGE_30D",
                "POL_US_PRES_2028", "POL_UK_GE_NEXT", "POL_EU_COMMISSION_VOTE", "NBA_LAL_BOS", "EPL_ARS_MCI",
                "UCL_FINAL_WINNER");
        Market cpi = m.get("MACRO_US_CPI_YOY_NEXT");
        assertThat(cpi.tier()).isEqualTo(Tier.SLOW);
        assertThat(cpi.domain()).isEqualTo(Domain.MACRO);
        assertThat(cpi.schedule().publishCadenceMs()).isEqualTo(15_000);
        assertThat(cpi.outcomes()).extracting(OutcomeId::value)
                .containsExactly("ABOVE_FORECAST", "BELOW_FORECAST", "IN_LINE");
        assertThat(m.get("POL_EU_COMMISSION_VOTE").status()).isEqualTo(MarketStatus.DRAFT);
        assertThat(m.get("NBA_LAL_BOS").schedule().publishCadenceMs()).isEqualTo(1_500);
        assertThat(m.get("MACRO_US10Y_RANGE_30D").schedule().publishCadenceMs()).isEqualTo(8_000);
        assertThat(m.get("EPL_ARS_MCI").outcomes()).hasSize(3);
        assertThat(markets).allSatisfy(x -> {
            assertThat(x.schedule().epochWindowMs()).isEqualTo(3_600_000);
            assertThat(x.timing()).isEqualTo(LedgerTiming.DEFAULTS);
        });
        assertThat(markets).filteredOn(x -> x.status() == MarketStatus.ACTIVE).hasSize(11);
    }

    @Test
    void defaultsComeFromTheTierAndTheProtocol() {
        Market m = MarketsFile.parse(MINIMAL, "inline").get(0);
        assertThat(m.id()).isEqualTo(MarketId.of("CRYPTO_BTC_RANGE_24H"));
        assertThat(m.schedule().publishCadenceMs()).isEqualTo(1_000);
        assertThat(m.schedule().epochWindowMs()).isEqualTo(3_600_000);
        assertThat(m.timing()).isEqualTo(LedgerTiming.DEFAULTS);
        assertThat(m.status()).isEqualTo(MarketStatus.ACTIVE);
    }

    @Test
    void strictIsReadAsSlow() {
        Market m = MarketsFile.parse(MINIMAL.replace("\"FAST\"", "\"STRICT\""), "inline").get(0);
        assertThat(m.tier()).isEqualTo(Tier.SLOW);
        assertThat(m.schedule().publishCadenceMs()).isEqualTo(15_000);
    }

    @Test
    void everyErrorNamesTheFileTheMarketAndTheKey() {
        assertError(MINIMAL.replace("\"FAST\"", "\"HIGH\""), "f.toml: market CRYPTO_BTC_RANGE_24H (markets[0]),"
                + " key tier: must be FAST, NORMAL or SLOW (STRICT is read as SLOW), got \"HIGH\"");
        assertError(MINIMAL + "cadence_ms = 5\n", "market CRYPTO_BTC_RANGE_24H (markets[0]), key cadence_ms:"
                + " unknown key");
        assertError(MINIMAL + "publish_cadence_ms = \"1000\"\n", "key publish_cadence_ms: must be an integer"
                + " number of milliseconds, got a string \"1000\" (write it without quotes)");
        assertError(MINIMAL + "publish_cadence_ms = 7000\n", "market CRYPTO_BTC_RANGE_24H (markets[0]), key"
                + " publish_cadence_ms: must divide epoch_window_ms (3600000 % 7000 = 2000)");
        assertError(MINIMAL + "max_reveal_delay_ms = 0\n", "key max_reveal_delay_ms: must be > 0, got 0");
        assertError(MINIMAL.replace("\"CRYPTO\"", "\"WEATHER\""), "key domain: must be one of SPORTS, POLITICS,"
                + " MACRO, CRYPTO, got \"WEATHER\"");
        assertError(MINIMAL + "status = \"LIVE\"\n", "key status: must be one of DRAFT, ACTIVE");
        assertError(MINIMAL.replace("\"FLAT\"", "\"flat\""), "market CRYPTO_BTC_RANGE_24H (markets[0]), key"
                + " outcomes[1]:");
        assertError(MINIMAL.replace("[\"UP\", \"FLAT\", \"DOWN\"]", "[\"UP\", \"UP\"]"), "key outcomes: outcome UP"
                + " of CRYPTO_BTC_RANGE_24H appears twice");
        assertError(MINIMAL.replace("[\"UP\", \"FLAT\", \"DOWN\"]", "[\"UP\"]"), "key outcomes: a market needs"
                + " at least two outcomes");
        assertError(MINIMAL.replace("outcomes = [\"UP\", \"FLAT\", \"DOWN\"]\n", ""), "key outcomes: is required");
        assertError(MINIMAL.replace("title = \"BTC\"\n", ""), "key title: is required");
        assertError(MINIMAL.replace("\"CRYPTO_BTC_RANGE_24H\"", "\"btc\""), "f.toml: market markets[0], key id:");
        assertError(MINIMAL + MINIMAL, "market CRYPTO_BTC_RANGE_24H (markets[1]), key id: duplicate market id,"
                + " first defined at markets[0]");
        assertError("[markets]\nid = 1\n", "key markets: must be an array of tables ([[markets]]), got a table");
        assertError("version = 2\n" + MINIMAL, "key version: unknown top-level key");
        assertError("", "key markets: the file defines no markets");
        assertError("[[markets]\n", "f.toml: not valid TOML");
    }

    private static void assertError(String toml, String expected) {
        assertThatThrownBy(() -> MarketsFile.parse(toml, "f.toml"))
                .isInstanceOf(MarketsFileException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void devOverridesShortenTheWindowAndFallBackToTheTierCadenceWhereNeeded() {
        List<Market> markets = MarketsFile.read(Path.of("..", "config", "markets.toml"));
        List<Market> dev = MarketsFile.Overrides.of(60_000, 5_000).apply(markets);
        Map<String, Market> m = byId(dev);
        assertThat(dev).extracting(Market::id).containsExactlyElementsOf(markets.stream().map(Market::id).toList());
        assertThat(dev).allSatisfy(x -> {
            assertThat(x.schedule().epochWindowMs()).isEqualTo(60_000);
            assertThat(x.timing().finalizationDelayMs()).isEqualTo(5_000);
            assertThat(x.timing().maxRevealDelayMs()).isEqualTo(600_000);
        });
        assertThat(m.get("MACRO_US10Y_RANGE_30D").schedule().publishCadenceMs()).as("8000 does not divide 60000")
                .isEqualTo(5_000);
        assertThat(m.get("POL_UK_GE_NEXT").schedule().publishCadenceMs()).as("SLOW default").isEqualTo(15_000);
        assertThat(m.get("NBA_LAL_BOS").schedule().publishCadenceMs()).as("1500 divides 60000").isEqualTo(1_500);
        assertThat(m.get("POL_EU_COMMISSION_VOTE").schedule().publishCadenceMs()).isEqualTo(12_000);

        assertThat(MarketsFile.Overrides.none().apply(markets)).isEqualTo(markets);
        assertThat(new MarketsFile.Overrides(OptionalLong.empty(), OptionalLong.of(0)).apply(markets))
                .allSatisfy(x -> assertThat(x.timing().finalizationDelayMs()).isZero());
        assertThatThrownBy(() -> MarketsFile.Overrides.of(10_000, 0).apply(markets))
                .hasMessageContaining("epoch_window_ms override 10000: market MACRO_US_CPI_YOY_NEXT");
        assertThatThrownBy(() -> MarketsFile.Overrides.of(0, 0)).hasMessageContaining("epoch_window_ms override");
        assertThat(MarketsFile.Overrides.of(60_000, 5_000).toString())
                .isEqualTo("epoch_window_ms=60000, finalization_delay_ms=5000");
    }
}
