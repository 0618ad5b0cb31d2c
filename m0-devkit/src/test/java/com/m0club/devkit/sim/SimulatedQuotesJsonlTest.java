package com.m0club.devkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.engine.TestMarkets;
import com.m0club.engine.source.QuoteJsonlReader;
import com.m0club.engine.source.QuoteJsonlWriter;
import com.m0club.engine.source.SourceQuote;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Simulated quotes through the JSONL format of m0-engine (moved here from m0-engine's QuoteJsonlTest). */
class SimulatedQuotesJsonlTest {

    @Test
    void simulatedQuotesRoundTripThroughAFile(@TempDir Path dir) throws IOException {
        List<SourceQuote> quotes = Simulator.builder().seed(17).markets(TestMarkets.all()).adversarialPerMarket(1)
                .build().advanceTo(180_000);
        Path file = dir.resolve("replay.jsonl");
        try (QuoteJsonlWriter w = new QuoteJsonlWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.writeAll(quotes);
            assertThat(w.lines()).isEqualTo(quotes.size());
        }
        try (QuoteJsonlReader r = new QuoteJsonlReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            assertThat(r.readAll()).isEqualTo(quotes);
        }
        // writing again gives the same bytes
        StringWriter again = new StringWriter();
        new QuoteJsonlWriter(again).writeAll(quotes);
        assertThat(again.toString()).isEqualTo(Files.readString(file));
    }
}
