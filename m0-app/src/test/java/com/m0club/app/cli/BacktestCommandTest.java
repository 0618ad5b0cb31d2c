package com.m0club.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.app.Main;
import com.m0club.devkit.sim.Simulator;
import com.m0club.engine.source.QuoteJsonlWriter;
import com.m0club.protocol.registry.Market;
import com.m0club.store.registry.MarketsFile;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** {@code m0 backtest} end to end on quotes the simulator writes for every market of config/markets.toml. */
class BacktestCommandTest {
    static final Path MARKETS = Path.of("..", "config", "markets.toml").toAbsolutePath().normalize();

    record Run(int code, String out, String err) {}

    static Run run(List<String> argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(argv, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Writes {@code minutes} of simulated quotes and a resolution per market at the end; returns the quote count. */
    static long simulate(Path quotes, Path resolutions, long minutes, long seed) throws IOException {
        List<Market> markets = MarketsFile.read(MARKETS);
        long start = 3_600_000L;
        long end = start + minutes * 60_000;
        Simulator sim = Simulator.builder().seed(seed).startMs(start).markets(markets).sourcesPerMarket(5)
                .adversarialPerMarket(1).build();
        try (QuoteJsonlWriter w = new QuoteJsonlWriter(Files.newBufferedWriter(quotes, StandardCharsets.UTF_8))) {
            for (long t = start + 10_000; t <= end; t += 10_000) {
                w.writeAll(sim.advanceTo(t));
            }
            try (BufferedWriter r = Files.newBufferedWriter(resolutions, StandardCharsets.UTF_8)) {
                for (Market m : sim.markets()) {
                    r.write("{\"market\":\"" + m.id().value() + "\",\"resolved_at_ms\":" + (end + 1)
                            + ",\"outcome\":\"" + sim.resolve(m.id(), end).value() + "\"}\n");
                }
            }
            return w.lines();
        }
    }

    @Test
    void replaysSimulatedQuotesForEveryMarketAndWritesTheReport(@TempDir Path dir) throws IOException {
        Path quotes = dir.resolve("quotes.jsonl");
        Path resolutions = dir.resolve("resolutions.jsonl");
        long n = simulate(quotes, resolutions, 3, 7);
        List<String> argv = List.of("backtest", "--quotes", quotes.toString(), "--resolutions",
                resolutions.toString(), "--markets", MARKETS.toString(), "--out", dir.resolve("a").toString());
        Run r = run(argv);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("backtest: " + n + " quotes (").contains(" ticks, ").contains(" outputs (")
                .contains("report.html");
        List<String> lines = Files.readAllLines(dir.resolve("a").resolve("outputs.jsonl"));
        assertThat(lines).isNotEmpty();
        assertThat(lines.stream().map(l -> l.substring(0, l.indexOf(",\"t_ms\""))).distinct())
                .as("every market of the markets file ticks").hasSize(MarketsFile.read(MARKETS).size());
        assertThat(Files.readString(dir.resolve("a").resolve("report.json"))).contains("\"pyth_median\"");
        assertThat(Files.readString(dir.resolve("a").resolve("report.html"))).contains("<svg");

        List<String> again = List.of("backtest", "--quotes", quotes.toString(), "--resolutions",
                resolutions.toString(), "--markets", MARKETS.toString(), "--out", dir.resolve("b").toString());
        assertThat(run(again).code()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("b").resolve("outputs.jsonl")))
                .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve("outputs.jsonl")));
        assertThat(Files.readAllBytes(dir.resolve("b").resolve("report.json")))
                .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve("report.json")));
    }

    @Test
    void malformedQuoteLinesAreSkippedCountedAndNamed(@TempDir Path dir) throws IOException {
        Path quotes = dir.resolve("quotes.jsonl");
        simulate(quotes, dir.resolve("r.jsonl"), 1, 3);
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(quotes));
        lines.add(2, "{\"v\":1,\"source\":\"sim.book-1\"}");
        Files.write(quotes, lines);
        Run r = run(List.of("backtest", "--quotes", quotes.toString(), "--markets", MARKETS.toString(), "--out",
                dir.resolve("out").toString()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 malformed lines skipped");
        assertThat(r.err()).contains(quotes + ":3: market: is required");
    }

    @Test
    void usageErrorsNameTheOption(@TempDir Path dir) throws IOException {
        Run missing = run(List.of("backtest", "--out", dir.toString()));
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--quotes");
        Run noFile = run(List.of("backtest", "--quotes", dir.resolve("nope.jsonl").toString(), "--out",
                dir.toString()));
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).contains("--quotes").contains("no such file");
        Path q = dir.resolve("q.jsonl");
        Files.writeString(q, "");
        Path bad = dir.resolve("r.jsonl");
        Files.writeString(bad, "{\"market\":\"NBA_LAL_BOS\"}\n");
        Run badRes = run(List.of("backtest", "--quotes", q.toString(), "--resolutions", bad.toString(), "--markets",
                MARKETS.toString(), "--out", dir.resolve("o").toString()));
        assertThat(badRes.code()).isEqualTo(2);
        assertThat(badRes.err()).contains("--resolutions").contains(bad + ":1: resolved_at_ms");
        Run unknown = run(List.of("backtest", "--quotes", q.toString(), "--out", dir.toString(), "--bogus", "1"));
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--bogus");
    }

    /**
     * Writes the benchmark input (not a test: {@code -Dm0.backtest.benchDir=DIR}): one simulated hour of every market
     * of config/markets.toml, and its resolutions. docs/quant.md, "Backtest", says how it was measured.
     */
    @Test
    @EnabledIfSystemProperty(named = "m0.backtest.benchDir", matches = ".+")
    void writeBenchmarkInput() throws IOException {
        Path dir = Path.of(System.getProperty("m0.backtest.benchDir"));
        Files.createDirectories(dir);
        long n = simulate(dir.resolve("quotes-1h.jsonl"), dir.resolve("resolutions-1h.jsonl"), 60, 42);
        System.out.println("benchmark input: " + n + " quotes in " + dir);
    }
}
