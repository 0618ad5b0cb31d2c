package com.m0club.adapter.source.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonPointer;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorsFileTest {
    static final String FULL = """
            [[connector]]
            id = "book-a"
            url = "http://127.0.0.1:8099/v1/odds"
            kind = "decimal_odds"

            [connector.mapping]
            items = "/markets"
            market = "/id"
            outcomes = "/outcomes"
            outcome = "/name"
            value = "/odds"
            ts_ms = "/updated_ms"

            [[connector]]
            id = "exch.b"
            url = "https://feed.example/prices?sport=nba"
            kind = "price"
            interval_ms = 500
            timeout_ms = 1500
            retries = 0
            backoff_ms = 100
            rate_limit_per_s = 2.5
            degraded_after = 3
            max_body_bytes = 65536
            default_spread = 0.02
            price_scale = 100

            [connector.headers]
            Authorization = "env:EXCH_B_TOKEN"

            [connector.mapping]
            items = ""
            market = "/event/slug"
            outcomes = "/runners"
            outcome = "/runner"
            value = "/mid"

            [connector.market_map]
            "lal-bos" = "NBA_LAL_BOS"

            [connector.outcome_map]
            "Lakers" = "AWAY_WIN"
            "Celtics" = "HOME_WIN"
            """;

    static List<String> problems(String toml) {
        return problems(toml, Map.of());
    }

    static List<String> problems(String toml, Map<String, String> env) {
        ConnectorsFileException e = catchThrowableOfType(ConnectorsFileException.class,
                () -> ConnectorsFile.parse(toml, "c.toml", env));
        assertThat(e).as("expected the file to be refused").isNotNull();
        return e.problems();
    }

    static String connector(String id, String... lines) {
        return "[[connector]]\nid = \"" + id + "\"\nurl = \"http://127.0.0.1:1/x\"\nkind = \"decimal_odds\"\n"
                + String.join("\n", lines) + "\n" + Specs.MAPPING;
    }

    @Test
    void aFullFileParsesWithDefaultsForWhatItLeavesOut(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("connectors.toml");
        Files.writeString(file, FULL);
        List<ConnectorSpec> specs = ConnectorsFile.read(file, Map.of("EXCH_B_TOKEN", "Bearer abc"));
        assertThat(specs).hasSize(2);

        ConnectorSpec a = specs.get(0);
        assertThat(a.id().value()).isEqualTo("book-a");
        assertThat(a.kind()).isEqualTo(ConnectorKind.DECIMAL_ODDS);
        assertThat(a.intervalMs()).isEqualTo(ConnectorsFile.DEFAULT_INTERVAL_MS);
        assertThat(a.timeoutMs()).isEqualTo(ConnectorsFile.DEFAULT_TIMEOUT_MS);
        assertThat(a.retries()).isEqualTo(ConnectorsFile.DEFAULT_RETRIES);
        assertThat(a.rateLimitPerS()).isEqualTo(ConnectorsFile.DEFAULT_RATE_LIMIT_PER_S);
        assertThat(a.degradedAfter()).isEqualTo(ConnectorsFile.DEFAULT_DEGRADED_AFTER);
        assertThat(a.mapping().tsMs()).contains(JsonPointer.compile("/updated_ms"));
        assertThat(a.mapping().spread()).isEmpty();

        ConnectorSpec b = specs.get(1);
        assertThat(b.kind()).isEqualTo(ConnectorKind.PRICE);
        assertThat(b.intervalMs()).isEqualTo(500);
        assertThat(b.rateLimitPerS()).isEqualTo(2.5);
        assertThat(b.priceScale()).isEqualTo(100);
        assertThat(b.headers()).containsEntry("Authorization", "Bearer abc");
        assertThat(b.mapping().items()).isEqualTo(JsonPointer.compile(""));
        assertThat(b.mapping().tsMs()).isEqualTo(Optional.empty());
        assertThat(b.marketMap()).containsEntry("lal-bos", MarketId.of("NBA_LAL_BOS"));
        assertThat(b.outcomeMap()).containsEntry("Lakers", OutcomeId.of("AWAY_WIN"));
        assertThat(b.displayUrl()).isEqualTo("https://feed.example/prices?...");
    }

    @Test
    void settingsOutOfRangeNameTheConnectorTheFieldAndTheRule() {
        assertThat(problems(connector("book-a", "interval_ms = 0", "retries = 11", "rate_limit_per_s = 0",
                "timeout_ms = \"2s\""))).containsExactly(
                        "c.toml: connector book-a: interval_ms: must be in 50..3600000, got 0",
                        "c.toml: connector book-a: timeout_ms: must be an integer in 10..120000",
                        "c.toml: connector book-a: retries: must be in 0..10, got 11",
                        "c.toml: connector book-a: rate_limit_per_s: must be in (0, 1000], got 0.0");
    }

    @Test
    void requiredFieldsKindsAndUnknownKeysAreNamed() {
        assertThat(problems("""
                [[connector]]
                url = "http://127.0.0.1:1/x"
                kind = "odds"
                intervall_ms = 5
                [connector.mapping]
                items = "/markets"
                """)).containsExactly(
                        "c.toml: connector [0]: id: is required",
                        "c.toml: connector [0]: intervall_ms: unknown key (known: backoff_ms, default_spread,"
                                + " degraded_after, headers, id, interval_ms, kind, mapping, market_map,"
                                + " max_body_bytes, outcome_map, price_scale, rate_limit_per_s, retries,"
                                + " timeout_ms, url)",
                        "c.toml: connector [0]: kind: must be decimal_odds|probability|price, got 'odds'",
                        "c.toml: connector [0]: mapping.market: is required (a JSON pointer such as \"/market\","
                                + " or \"\" for the node itself)",
                        "c.toml: connector [0]: mapping.outcomes: is required (a JSON pointer such as"
                                + " \"/outcomes\", or \"\" for the node itself)",
                        "c.toml: connector [0]: mapping.outcome: is required (a JSON pointer such as \"/outcome\","
                                + " or \"\" for the node itself)",
                        "c.toml: connector [0]: mapping.value: is required (a JSON pointer such as \"/value\", or"
                                + " \"\" for the node itself)");
    }

    @Test
    void pointersUrlsHeadersAndMapsAreChecked() {
        List<String> p = problems("""
                [[connector]]
                id = "book-a"
                url = "ftp://user:pw@host/x?key=secret"
                kind = "decimal_odds"
                [connector.headers]
                Authorization = "env:MISSING_TOKEN"
                Host = "other"
                [connector.mapping]
                items = "markets"
                market = "/id"
                outcomes = "/outcomes"
                outcome = "/name"
                value = "/odds"
                spread = "/spread"
                [connector.market_map]
                "lal-bos" = "nba_lal_bos"
                """);
        assertThat(p).containsExactly(
                "c.toml: connector book-a: url: must be an absolute http:// or https:// URL with a host",
                "c.toml: connector book-a: headers.Authorization: the environment variable MISSING_TOKEN it names is"
                        + " not set",
                "c.toml: connector book-a: headers.Host: is set by the HTTP client and cannot be configured",
                "c.toml: connector book-a: mapping.items: must be a JSON pointer: \"\" or starting with '/', got"
                        + " 'markets'",
                "c.toml: connector book-a: mapping.spread: applies to kind probability or price only",
                "c.toml: connector book-a: market_map.lal-bos: must match [A-Z][A-Z0-9_]{2,63}, got 'nba_lal_bos'");
        assertThat(String.join("\n", p)).as("credentials are never repeated").doesNotContain("secret", "pw");
    }

    @Test
    void idsMustBeSourceIdsAndUniqueAndTheFileMustDefineConnectors() {
        assertThat(problems(connector("book-a") + connector("book-a"))).containsExactly(
                "c.toml: connector book-a: id: must be unique in the file (connector[0] has it too)");
        assertThat(problems(connector("Book A"))).singleElement().asString()
                .startsWith("c.toml: connector [0]: id: must match [a-z0-9][a-z0-9._-]{0,63}");
        assertThat(problems("")).containsExactly("c.toml: connector: the file defines no connectors (expected one"
                + " [[connector]] table per connector)");
        assertThat(problems("x = 1\n" + connector("book-a"))).containsExactly(
                "c.toml: x: unknown top-level key (only [[connector]] tables are allowed)");
        assertThat(problems("[[connector]\n")).singleElement().asString().startsWith("c.toml: not valid TOML");
    }
}
