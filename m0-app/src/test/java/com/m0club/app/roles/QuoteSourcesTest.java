package com.m0club.app.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.source.http.ConnectorsFileException;
import com.m0club.adapter.source.http.HttpQuoteSource;
import com.m0club.devkit.sim.SimulatorSource;
import com.m0club.engine.source.CombinedQuoteSource;
import com.m0club.engine.source.QuoteSource;
import com.m0club.engine.source.replay.JsonlReplaySource;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.time.EpochSchedule;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.M0Keys;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuoteSourcesTest {
    private static final Map<String, String> STAGING = Map.of(
            "M0_ENV", "staging",
            "M0_ROLES", "ingestor",
            "M0_POSTGRES_URL", "jdbc:postgresql://db:5432/m0?user=m0",
            "M0_SIGNER_ENDPOINT", "https://signer-0.m0:8443",
            "M0_SIGNER_SET_ID", "7");

    private static QuoteSource of(Config config) {
        return QuoteSources.of(config, List.of(market()), 42, InstantSource.system(), new PrometheusRegistry());
    }

    private static Market market() {
        return new Market(MarketId.of("NBA_LAL_BOS"), Domain.SPORTS, "A test market", Tier.FAST,
                List.of(OutcomeId.of("HOME_WIN"), OutcomeId.of("AWAY_WIN")), new EpochSchedule(3_600_000, 1_500),
                LedgerTiming.DEFAULTS, MarketStatus.ACTIVE);
    }

    @Test
    void outsideDevAnIngestorWithoutAQuoteSourceFailsNamingTheKey() {
        assertThatThrownBy(() -> of(M0Keys.load(STAGING, Optional.empty())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("quote_source (M0_QUOTE_SOURCE)");
    }

    @Test
    void theSettingPicksTheSource() {
        assertThat(of(M0Keys.load(Map.of(), Optional.empty()))).isInstanceOf(SimulatorSource.class);
        Map<String, String> env = new HashMap<>(STAGING);
        env.put("M0_QUOTE_SOURCE", "jsonl:/data/quotes.jsonl");
        QuoteSource replay = of(M0Keys.load(env, Optional.empty()));
        assertThat(replay).isInstanceOf(JsonlReplaySource.class);
        assertThat(replay.name()).isEqualTo("jsonl:/data/quotes.jsonl");
    }

    static final String CONNECTORS = """
            [[connector]]
            id = "book-a"
            url = "http://127.0.0.1:1/odds"
            kind = "decimal_odds"
            [connector.mapping]
            items = "/markets"
            market = "/id"
            outcomes = "/outcomes"
            outcome = "/name"
            value = "/odds"
            """;

    @Test
    void connectorsRunTheConnectorsFileAloneOrCombinedWithOtherSources(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("connectors.toml");
        Files.writeString(file, CONNECTORS);
        Map<String, String> env = new HashMap<>(STAGING);
        env.put("M0_QUOTE_SOURCE", "connectors");
        env.put("M0_CONNECTORS_FILE", file.toString());
        try (QuoteSource alone = of(M0Keys.load(env, Optional.empty()))) {
            assertThat(alone).isInstanceOf(HttpQuoteSource.class);
            assertThat(alone.name()).isEqualTo("connectors:book-a");
        }
        env.put("M0_QUOTE_SOURCE", "simulator,connectors");
        var selected = QuoteSources.select(M0Keys.load(env, Optional.empty()), List.of(market()), 42,
                InstantSource.system(),
                new PrometheusRegistry(), Map.of());
        try (QuoteSource both = selected.source()) {
            assertThat(both).isInstanceOfSatisfying(CombinedQuoteSource.class, c -> assertThat(c.parts())
                    .hasExactlyElementsOfTypes(SimulatorSource.class, HttpQuoteSource.class));
            assertThat(selected.connectors()).get().isSameAs(((CombinedQuoteSource) both).parts().get(1));
        }
    }

    @Test
    void aBadConnectorsFileFailsTheIngestorNamingConnectorFieldAndRule(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("connectors.toml");
        Files.writeString(file, CONNECTORS.replace("kind = \"decimal_odds\"",
                "kind = \"decimal_odds\"\nretries = -1"));
        Map<String, String> env = new HashMap<>(STAGING);
        env.put("M0_QUOTE_SOURCE", "connectors");
        env.put("M0_CONNECTORS_FILE", file.toString());
        assertThatThrownBy(() -> of(M0Keys.load(env, Optional.empty())))
                .isInstanceOf(ConnectorsFileException.class)
                .hasMessage(file + ": connector book-a: retries: must be in 0..10, got -1");
    }
}
