package com.m0club.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.m0club.engine.TestMarkets;
import com.m0club.engine.source.replay.MalformedLine;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestTest {
    /** The first line for the committed fixture; changes only when the quant behaviour or the line format does. */
    static final String GOLDEN_FIRST_LINE = "{\"market\":\"NBA_LAL_BOS\",\"t_ms\":1500,\"epoch_id\":0,\"tick\":1,\"published\":true,\"ci_level_bps\":9500,"
            + "\"outcomes\":{\"AWAY_WIN\":{\"p\":408286733,\"ci_low\":330550024,\"ci_high\":488378704},\"HOME_WIN\":{\"p\":591713267,\"ci_low\":511621296,\"ci_high\":669449976}},"
            + "\"risk_score\":2903,\"quality_flags\":[],\"blocked_reason\":null}";

    static Path resource(String name) {
        try {
            return Path.of(BacktestTest.class.getResource("/backtest/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static BacktestSummary run(Path out, List<MalformedLine> malformed) {
        return Backtest.builder().markets(TestMarkets.all()).quotes(resource("quotes-small.jsonl"))
                .resolutions(ResolutionsJsonl.read(resource("resolutions-small.jsonl"))).outDir(out)
                .onMalformed(malformed::add).build().run();
    }

    @Test
    void twoRunsGiveByteIdenticalOutputsAndReports(@TempDir Path dir) throws IOException {
        run(dir.resolve("a"), new ArrayList<>());
        run(dir.resolve("b"), new ArrayList<>());
        for (String f : List.of("outputs.jsonl", "report.json", "report.html")) {
            assertThat(Files.readAllBytes(dir.resolve("b").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(f)));
        }
    }

    @Test
    void oneLinePerTickFromTheFirstBoundaryToTheLastQuoteAndAGoldenFirstLine(@TempDir Path dir) throws IOException {
        List<MalformedLine> malformed = new ArrayList<>();
        BacktestSummary s = run(dir, malformed);
        // NBA ticks every 1500 ms; quotes from 250 to 11450: ticks at 1500, 3000, ..., 10500
        List<String> lines = Files.readAllLines(dir.resolve("outputs.jsonl"));
        assertThat(lines).hasSize(7);
        assertThat(s.outputs()).isEqualTo(7);
        assertThat(s.ticks()).isEqualTo(7);
        assertThat(s.quotes()).isEqualTo(36);
        assertThat(s.malformed()).isEqualTo(1);
        assertThat(s.published() + s.blocked()).isEqualTo(7);
        assertThat(malformed).singleElement().satisfies(m -> {
            assertThat(m.line()).isEqualTo(11);
            assertThat(m.field()).isEqualTo("event_time_ms");
        });
        assertThat(lines.get(0)).isEqualTo(GOLDEN_FIRST_LINE);
        ObjectMapper mapper = new ObjectMapper();
        long previous = 0;
        for (String line : lines) {
            assertThat(line).doesNotContain(" ");
            JsonNode n = mapper.readTree(line);
            assertThat(n.fieldNames()).toIterable().containsExactly("market", "t_ms", "epoch_id", "tick",
                    "published", "ci_level_bps", "outcomes", "risk_score", "quality_flags", "blocked_reason");
            assertThat(n.get("t_ms").asLong()).isGreaterThan(previous);
            previous = n.get("t_ms").asLong();
            if (n.get("published").asBoolean()) {
                assertThat(n.get("outcomes").fieldNames()).toIterable().containsExactly("AWAY_WIN", "HOME_WIN");
                assertThat(n.get("blocked_reason").isNull()).isTrue();
            } else {
                assertThat(n.get("outcomes").isEmpty()).isTrue();
                assertThat(n.get("blocked_reason").isTextual()).isTrue();
            }
        }
    }

    @Test
    void theReportScoresTheOracleAndTheBaselinesOnTheSameTicks(@TempDir Path dir) throws IOException {
        BacktestSummary s = run(dir, new ArrayList<>());
        assertThat(s.report()).isTrue();
        JsonNode report = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        JsonNode overall = report.get("overall").get("scores");
        assertThat(overall.fieldNames()).toIterable().containsExactly("oracle", "best_single_source", "mean",
                "median", "pyth_median");
        long n = overall.get("oracle").get("n").asLong();
        assertThat(n).isEqualTo(s.published());
        assertThat(overall.get("median").get("n").asLong()).isEqualTo(n);
        assertThat(overall.get("oracle").get("brier").asDouble()).isBetween(0.0, 2.0);
        assertThat(report.get("markets")).singleElement()
                .satisfies(m -> assertThat(m.get("market").asText()).isEqualTo("NBA_LAL_BOS"));
        assertThat(report.get("coverage").asText()).contains("omitted");
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("<svg").contains("NBA_LAL_BOS").contains("pyth_median");
    }

    @Test
    void noResolutionsNoReport(@TempDir Path dir) {
        BacktestSummary s = Backtest.builder().markets(TestMarkets.all()).quotes(resource("quotes-small.jsonl"))
                .outDir(dir).build().run();
        assertThat(s.report()).isFalse();
        assertThat(dir.resolve("outputs.jsonl")).exists();
        assertThat(dir.resolve("report.json")).doesNotExist();
    }

    @Test
    void aResolutionOfAnUnknownOutcomeIsRefusedNamingIt(@TempDir Path dir) {
        assertThatThrownBy(() -> Backtest.builder().markets(TestMarkets.all()).quotes(resource("quotes-small.jsonl"))
                .resolutions(List.of(new Resolution(MarketId.of("NBA_LAL_BOS"), 1, OutcomeId.of("DRAW"))))
                .outDir(dir).build().run()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DRAW");
    }

    @Test
    void aBadResolutionLineNamesFileLineAndField(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("r.jsonl");
        Files.writeString(f, "{\"market\":\"NBA_LAL_BOS\",\"resolved_at_ms\":-1,\"outcome\":\"HOME_WIN\"}\n");
        assertThatThrownBy(() -> ResolutionsJsonl.read(f)).hasMessage(f + ":1: resolved_at_ms: must be an integer >= 0");
    }
}
