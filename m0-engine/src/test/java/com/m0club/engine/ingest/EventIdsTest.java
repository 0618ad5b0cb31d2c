package com.m0club.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.engine.source.QuotePayload;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worked examples of docs/quant.md, "Event id": another implementation can check itself against them. */
class EventIdsTest {
    static final SourceQuote BOOK = new SourceQuote(SourceId.of("sim.book-1"), MarketId.of("NBA_LAL_BOS"), 61_000,
            QuotePayload.BookmakerOdds.of(Map.of(OutcomeId.of("HOME_WIN"), 1.78, OutcomeId.of("AWAY_WIN"), 2.1)),
            "9f0c");
    static final SourceQuote EXCHANGE = new SourceQuote(SourceId.of("sim.exch-3"), MarketId.of("NBA_LAL_BOS"),
            61_250, QuotePayload.ExchangePrices.of(Map.of(OutcomeId.of("HOME_WIN"), 0.549, OutcomeId.of("AWAY_WIN"),
                    0.452), 0.02), "0b1d");

    @Test
    void bookmakerQuoteVector() {
        assertThat(HexFormat.of().formatHex(EventIds.canonicalBytes(BOOK))).isEqualTo(
                "01000a0073696d2e626f6f6b2d310b004e42415f4c414c5f424f5348ee0000000000000102000800415741595f57494e"
                        + "00752b7d000000000800484f4d455f57494e00a5186a00000000");
        assertThat(EventIds.of(BOOK).toHex())
                .isEqualTo("c2f67f517e248f57ad542e19f5470d3ad3e0420c8ca9a1567d8113e5a22749d9");
    }

    @Test
    void exchangeQuoteVector() {
        assertThat(HexFormat.of().formatHex(EventIds.canonicalBytes(EXCHANGE))).isEqualTo(
                "01000a0073696d2e657863682d330b004e42415f4c414c5f424f5342ef0000000000000202000800415741595f57494e"
                        + "00f9f01a000000000800484f4d455f57494e4013b92000000000002d310100000000");
        assertThat(EventIds.of(EXCHANGE).toHex())
                .isEqualTo("ebda3e8cb2281e3887ad5597a6725cf5c3c59e55c2dbc36a4c0d7bb2c6bfe840");
    }

    @Test
    void everyIdentifyingFieldChangesTheId() {
        var base = EventIds.of(BOOK);
        assertThat(EventIds.of(new SourceQuote(SourceId.of("sim.book-2"), BOOK.market(), 61_000, BOOK.payload(),
                "9f0c"))).isNotEqualTo(base);
        assertThat(EventIds.of(new SourceQuote(BOOK.source(), MarketId.of("NBA_LAL_BOT"), 61_000, BOOK.payload(),
                "9f0c"))).isNotEqualTo(base);
        assertThat(EventIds.of(new SourceQuote(BOOK.source(), BOOK.market(), 61_001, BOOK.payload(), "9f0c")))
                .isNotEqualTo(base);
        assertThat(EventIds.of(new SourceQuote(BOOK.source(), BOOK.market(), 61_000, QuotePayload.BookmakerOdds.of(
                Map.of(OutcomeId.of("HOME_WIN"), 1.79, OutcomeId.of("AWAY_WIN"), 2.1)), "9f0c"))).isNotEqualTo(base);
        // the trace id is not identifying
        assertThat(EventIds.of(new SourceQuote(BOOK.source(), BOOK.market(), 61_000, BOOK.payload(), "other")))
                .isEqualTo(base);
    }
}
