package com.m0club.adapter.source.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.engine.source.QuotePayload;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseMapperTest {
    static ResponseMapper mapper(String kindAndExtras, String mapping) {
        return new ResponseMapper(ConnectorsFile.parse("""
                [[connector]]
                id = "exch-b"
                url = "http://127.0.0.1:1/p"
                """ + kindAndExtras + "\n" + mapping, "<test>", Map.of()).getFirst());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static final String RUNNERS = """
            [connector.mapping]
            items = ""
            market = "/event/slug"
            outcomes = "/runners"
            outcome = "/runner"
            value = "/mid"
            spread = "/spread"
            [connector.market_map]
            "lal-bos" = "NBA_LAL_BOS"
            [connector.outcome_map]
            "Lakers" = "AWAY_WIN"
            "Celtics" = "HOME_WIN"
            """;

    @Test
    void pricesAreScaledAndNamesTranslatedThroughTheMaps() {
        var m = mapper("kind = \"price\"\nprice_scale = 100", RUNNERS).map(bytes("""
                [{"event":{"slug":"lal-bos"},"spread":2,"runners":[{"runner":"Lakers","mid":"45"},
                                                                  {"runner":"Celtics","mid":55}]},
                 {"event":{"slug":"unknown"},"spread":2,"runners":[{"runner":"Lakers","mid":45}]},
                 {"event":{"slug":"lal-bos"},"spread":2,"runners":[{"runner":"Lakers","mid":45},
                                                                  {"runner":"Lakers","mid":46}]}]"""), 77, "t");
        assertThat(m.badResponse()).isEmpty();
        assertThat(m.items()).isEqualTo(3);
        var q = m.quotes().getFirst();
        assertThat(q.market()).isEqualTo(MarketId.of("NBA_LAL_BOS"));
        assertThat(q.eventTimeMs()).as("no ts_ms: the time the response arrived").isEqualTo(77);
        assertThat(q.traceId()).isEqualTo("t-0");
        assertThat(q.payload()).isInstanceOfSatisfying(QuotePayload.ExchangePrices.class, p -> {
            assertThat(p.prices()).containsEntry(OutcomeId.of("AWAY_WIN"), 0.45).containsEntry(
                    OutcomeId.of("HOME_WIN"), 0.55);
            assertThat(p.spread()).isEqualTo(0.02);
        });
        assertThat(m.badItems()).extracting(Object::toString).containsExactly(
                "items[1]/event/slug: 'unknown' is not in market_map",
                "items[2]/runners/1/runner: outcome AWAY_WIN appears twice in the item");
    }

    @Test
    void probabilitiesUseTheDefaultSpreadWhenTheMappingHasNone() {
        var m = mapper("kind = \"probability\"\ndefault_spread = 0.03", """
                [connector.mapping]
                items = "/data"
                market = "/m"
                outcomes = "/o"
                outcome = "/n"
                value = "/p"
                ts_ms = "/t"
                """).map(bytes("{\"data\":[{\"m\":\"NBA_LAL_BOS\",\"t\":5,\"o\":[{\"n\":\"HOME_WIN\",\"p\":0.6},"
                + "{\"n\":\"AWAY_WIN\",\"p\":0.4}]},{\"m\":\"NBA_LAL_BOS\",\"t\":-1,\"o\":[{\"n\":\"HOME_WIN\","
                + "\"p\":0.6}]}]}"), 77, "t");
        assertThat(m.quotes()).singleElement().satisfies(q -> {
            assertThat(q.eventTimeMs()).isEqualTo(5);
            assertThat(((QuotePayload.ExchangePrices) q.payload()).spread()).isEqualTo(0.03);
        });
        assertThat(m.badItems()).extracting(Object::toString)
                .containsExactly("items[1]/t: must be a non-negative integer (UTC ms)");
    }

    @Test
    void aBodyWithoutItemsIsABadResponse() {
        ResponseMapper odds = mapper("kind = \"decimal_odds\"", Specs.MAPPING);
        assertThat(odds.map(bytes("{\"markets\":{}}"), 0, "t").badResponse())
                .contains("mapping.items /markets does not lead to an array");
        assertThat(odds.map(bytes("{\"markets\":[]} trailing"), 0, "t").badResponse()).get().asString()
                .startsWith("the body is not JSON");
        assertThat(odds.map(bytes(""), 0, "t").badResponse()).contains("the body is empty");
    }
}
