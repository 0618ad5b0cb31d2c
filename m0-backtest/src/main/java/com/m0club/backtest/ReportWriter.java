package com.m0club.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.backtest.score.MarketScorer;
import com.m0club.backtest.score.ReliabilityBins;
import com.m0club.backtest.score.ScoreAccumulator;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import com.m0club.protocol.registry.Market;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes {@code report.json} and {@code report.html} from the scores of a run: per resolved market and overall, the
 * oracle and the baselines (docs/quant.md, "Backtest"). Deterministic: no times, paths or host names in either file.
 */
final class ReportWriter {
    static final String COVERAGE_NOTE = "interval coverage is omitted: the replay format carries no true"
            + " probability, and coverage of the resolved outcome's 0/1 indicator is not meaningful";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<MarketId, Market> markets;
    private final List<Resolution> resolutions;
    private final Map<MarketId, MarketScorer> scorers;

    ReportWriter(Map<MarketId, Market> markets, List<Resolution> resolutions, Map<MarketId, MarketScorer> scorers) {
        this.markets = markets;
        this.resolutions = resolutions;
        this.scorers = scorers;
    }

    void write(Path dir) {
        ObjectNode json = json();
        try {
            Files.writeString(dir.resolve("report.json"), MAPPER.writeValueAsString(json) + "\n",
                    StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.html"), html(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("backtest report in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The forecasters, overall: each market's accumulators summed (best source: each market's best). */
    private Map<String, ScoreAccumulator> overall() {
        ScoreAccumulator oracle = new ScoreAccumulator();
        ScoreAccumulator best = new ScoreAccumulator();
        ScoreAccumulator mean = new ScoreAccumulator();
        ScoreAccumulator median = new ScoreAccumulator();
        ScoreAccumulator pyth = new ScoreAccumulator();
        for (MarketScorer s : ordered()) {
            oracle.addAll(s.oracle());
            s.bestSource().ifPresent(e -> best.addAll(e.getValue()));
            mean.addAll(s.mean());
            median.addAll(s.median());
            pyth.addAll(s.pyth());
        }
        return forecasters(oracle, best, mean, median, pyth);
    }

    private static Map<String, ScoreAccumulator> forecasters(ScoreAccumulator oracle, ScoreAccumulator best,
            ScoreAccumulator mean, ScoreAccumulator median, ScoreAccumulator pyth) {
        Map<String, ScoreAccumulator> m = new java.util.LinkedHashMap<>();
        m.put("oracle", oracle);
        m.put("best_single_source", best);
        m.put("mean", mean);
        m.put("median", median);
        m.put("pyth_median", pyth);
        return m;
    }

    private List<MarketScorer> ordered() {
        return scorers.values().stream().sorted((a, b) -> a.market().compareTo(b.market())).toList();
    }

    private ObjectNode json() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", "m0-backtest-report/1");
        root.put("coverage", COVERAGE_NOTE);
        ObjectNode overall = root.putObject("overall");
        long blocked = ordered().stream().mapToLong(MarketScorer::blocked).sum();
        overall.put("blocked_ticks", blocked);
        putScores(overall.putObject("scores"), overall());
        ArrayNode arr = root.putArray("markets");
        for (MarketScorer s : ordered()) {
            Resolution r = resolutions.stream().filter(x -> x.market().equals(s.market())).findFirst().orElseThrow();
            ObjectNode m = arr.addObject();
            m.put("market", s.market().value());
            m.put("resolved_outcome", r.outcome().value());
            m.put("resolved_at_ms", r.resolvedAtMs());
            m.put("blocked_ticks", s.blocked());
            m.put("oracle_mean_ci_width", s.oracleMeanCiWidth());
            m.put("pyth_mean_iqr_width", s.pythMeanCiWidth());
            Optional<Map.Entry<SourceId, ScoreAccumulator>> best = s.bestSource();
            if (best.isPresent()) {
                m.put("best_single_source", best.get().getKey().value());
            } else {
                m.putNull("best_single_source");
            }
            putScores(m.putObject("scores"), perMarket(s));
        }
        return root;
    }

    private static Map<String, ScoreAccumulator> perMarket(MarketScorer s) {
        return forecasters(s.oracle(), s.bestSource().map(Map.Entry::getValue).orElseGet(ScoreAccumulator::new),
                s.mean(), s.median(), s.pyth());
    }

    private static void putScores(ObjectNode node, Map<String, ScoreAccumulator> forecasters) {
        for (Map.Entry<String, ScoreAccumulator> e : forecasters.entrySet()) {
            ScoreAccumulator.Score s = e.getValue().score();
            ObjectNode o = node.putObject(e.getKey());
            o.put("n", s.n());
            o.put("brier", s.brier());
            o.put("log_loss", s.logLoss());
            o.put("ece", s.ece());
            o.put("sharpness", s.sharpness());
            ArrayNode bins = o.putArray("reliability");
            for (ReliabilityBins.Bin b : s.reliability()) {
                bins.addObject().put("bin", b.index()).put("n", b.n()).put("mean_p", b.meanP())
                        .put("frequency", b.frequency());
            }
        }
    }

    private String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>M0Club backtest report"
                + "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}th:first-child,td:first-child"
                + "{text-align:left}</style></head><body>\n<h1>Backtest report</h1>\n<p>")
                .append(escape(COVERAGE_NOTE)).append(".</p>\n<h2>Overall</h2>\n");
        Map<String, ScoreAccumulator> overall = overall();
        table(h, overall);
        h.append(svg(overall.get("oracle").score(), overall.get("median").score()));
        for (MarketScorer s : ordered()) {
            Map<String, ScoreAccumulator> f = perMarket(s);
            h.append("<h2>").append(escape(s.market().value())).append("</h2>\n<p>")
                    .append(escape(markets.get(s.market()).title())).append("; blocked ticks ").append(s.blocked())
                    .append("; best single source ")
                    .append(escape(s.bestSource().map(e -> e.getKey().value()).orElse("-"))).append("</p>\n");
            table(h, f);
            h.append(svg(f.get("oracle").score(), f.get("median").score()));
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void table(StringBuilder h, Map<String, ScoreAccumulator> forecasters) {
        h.append("<table><tr><th>forecaster</th><th>n</th><th>Brier</th><th>log loss</th><th>ECE</th>"
                + "<th>sharpness</th></tr>\n");
        for (Map.Entry<String, ScoreAccumulator> e : forecasters.entrySet()) {
            ScoreAccumulator.Score s = e.getValue().score();
            h.append("<tr><td>").append(e.getKey()).append("</td><td>").append(s.n()).append("</td><td>")
                    .append(f4(s.brier())).append("</td><td>").append(f4(s.logLoss())).append("</td><td>")
                    .append(f4(s.ece())).append("</td><td>").append(f4(s.sharpness())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** The reliability diagram: mean forecast vs observed frequency per bin, oracle (blue) and median (grey). */
    static String svg(ScoreAccumulator.Score oracle, ScoreAccumulator.Score median) {
        int size = 240;
        int pad = 30;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(size + 2 * pad).append("\" height=\"")
                .append(size + 2 * pad).append("\" role=\"img\" aria-label=\"reliability diagram\">");
        s.append("<rect x=\"").append(pad).append("\" y=\"").append(pad).append("\" width=\"").append(size)
                .append("\" height=\"").append(size).append("\" fill=\"none\" stroke=\"#999\"/>");
        s.append("<line x1=\"").append(pad).append("\" y1=\"").append(pad + size).append("\" x2=\"")
                .append(pad + size).append("\" y2=\"").append(pad).append("\" stroke=\"#ccc\" stroke-dasharray=\"4\"/>");
        series(s, median, "#999", size, pad);
        series(s, oracle, "#1f77b4", size, pad);
        s.append("<text x=\"").append(pad).append("\" y=\"").append(pad + size + 20)
                .append("\" font-size=\"11\">forecast probability</text>");
        s.append("<text x=\"").append(pad).append("\" y=\"").append(pad - 10)
                .append("\" font-size=\"11\">observed frequency (blue oracle, grey median)</text></svg>\n");
        return s.toString();
    }

    private static void series(StringBuilder s, ScoreAccumulator.Score score, String colour, int size, int pad) {
        StringBuilder points = new StringBuilder();
        for (ReliabilityBins.Bin b : score.reliability()) {
            double x = pad + b.meanP() * size;
            double y = pad + (1 - b.frequency()) * size;
            points.append(f1(x)).append(',').append(f1(y)).append(' ');
            s.append("<circle cx=\"").append(f1(x)).append("\" cy=\"").append(f1(y)).append("\" r=\"3\" fill=\"")
                    .append(colour).append("\"><title>").append(b.n()).append(" points</title></circle>");
        }
        if (!points.isEmpty()) {
            s.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" points=\"")
                    .append(points.toString().strip()).append("\"/>");
        }
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
