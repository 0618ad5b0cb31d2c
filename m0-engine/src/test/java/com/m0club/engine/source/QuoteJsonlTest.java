package com.m0club.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuoteJsonlTest {

    @Test
    void writesTheDocumentedLine() {
        SourceQuote q = new SourceQuote(SourceId.of("sim.book-1"), MarketId.of("NBA_LAL_BOS"), 61_000,
                QuotePayload.BookmakerOdds.of(Map.of(OutcomeId.of("HOME_WIN"), 1.78, OutcomeId.of("AWAY_WIN"), 2.1)),
                "9f0c");
        assertThat(QuoteJsonl.toLine(q)).isEqualTo("{\"v\":1,\"source\":\"sim.book-1\",\"market\":\"NBA_LAL_BOS\","
                + "\"event_time_ms\":61000,\"kind\":\"BOOKMAKER_ODDS\",\"odds\":{\"AWAY_WIN\":2.1,\"HOME_WIN\":1.78},"
                + "\"trace_id\":\"9f0c\"}");
        SourceQuote e = new SourceQuote(SourceId.of("sim.exch-3"), MarketId.of("NBA_LAL_BOS"), 61_250,
                QuotePayload.ExchangePrices.of(Map.of(OutcomeId.of("HOME_WIN"), 0.549, OutcomeId.of("AWAY_WIN"),
                        0.452), 0.02), "0b1d");
        assertThat(QuoteJsonl.toLine(e)).isEqualTo("{\"v\":1,\"source\":\"sim.exch-3\",\"market\":\"NBA_LAL_BOS\","
                + "\"event_time_ms\":61250,\"kind\":\"EXCHANGE_PRICE\",\"prices\":{\"AWAY_WIN\":0.452,"
                + "\"HOME_WIN\":0.549},\"spread\":0.02,\"trace_id\":\"0b1d\"}");
    }

    @Test
    void blankLinesAreSkipped() {
        String text = "\n{\"v\":1,\"source\":\"a\",\"market\":\"ABC\",\"event_time_ms\":1,\"kind\":\"EXCHANGE_PRICE\","
                + "\"prices\":{\"A\":0.5,\"B\":0.5},\"spread\":0.01,\"trace_id\":\"t\",\"future_field\":true}\n\n";
        QuoteJsonlReader r = new QuoteJsonlReader(new StringReader(text));
        assertThat(r.readAll()).hasSize(1);
        assertThat(r.lineNumber()).isEqualTo(3);
    }

    @Test
    void malformedLinesNameTheLineAndField() {
        String ok = "{\"v\":1,\"source\":\"a\",\"market\":\"ABC\",\"event_time_ms\":1,\"kind\":\"BOOKMAKER_ODDS\","
                + "\"odds\":{\"A\":2.0,\"B\":2.0},\"trace_id\":\"t\"}";
        assertThatThrownBy(() -> read(ok + "\n{nope"))
                .isInstanceOf(QuoteFormatException.class).hasMessageStartingWith("line 2: line:");
        assertThatThrownBy(() -> read(ok.replace("\"v\":1", "\"v\":2")))
                .hasMessageContaining("line 1: v: unsupported schema version 2");
        assertThatThrownBy(() -> read(ok.replace("BOOKMAKER_ODDS", "POLL")))
                .hasMessageContaining("kind: must be BOOKMAKER_ODDS or EXCHANGE_PRICE");
        assertThatThrownBy(() -> read(ok.replace("\"event_time_ms\":1", "\"event_time_ms\":\"1\"")))
                .hasMessageContaining("event_time_ms: must be an integer");
        assertThatThrownBy(() -> read(ok.replace("\"market\":\"ABC\"", "\"market\":\"abc\"")))
                .hasMessageContaining("market_id");
        assertThatThrownBy(() -> read(ok.replace("\"odds\":{\"A\":2.0,\"B\":2.0},", "")))
                .hasMessageContaining("odds: is required");
    }

    @Test
    void nonFiniteNumbersCannotBeWritten() {
        SourceQuote q = new SourceQuote(SourceId.of("a"), MarketId.of("ABC"), 1,
                QuotePayload.BookmakerOdds.of(Map.of(OutcomeId.of("A"), Double.NaN, OutcomeId.of("B"), 2.0)), "t");
        assertThatThrownBy(() -> QuoteJsonl.toLine(q)).hasMessageContaining("odds.A");
    }

    private static List<SourceQuote> read(String text) {
        return new QuoteJsonlReader(new StringReader(text)).readAll();
    }
}
