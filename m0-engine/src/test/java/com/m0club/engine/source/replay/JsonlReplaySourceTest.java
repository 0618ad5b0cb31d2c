package com.m0club.engine.source.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.engine.TestMetrics;
import com.m0club.engine.source.QuoteJsonl;
import com.m0club.engine.source.QuotePayload;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlReplaySourceTest {
    private static final long RECORDED = 1_600_000_000_000L;
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ReplayMetrics metrics = new ReplayMetrics(registry);
    private final List<MalformedLine> malformed = new ArrayList<>();

    private static SourceQuote quote(String source, long eventTimeMs, String trace) {
        return new SourceQuote(SourceId.of(source), MarketId.of("NBA_LAL_BOS"), eventTimeMs,
                QuotePayload.BookmakerOdds.of(Map.of(OutcomeId.of("HOME_WIN"), 1.8, OutcomeId.of("AWAY_WIN"), 2.1)),
                trace);
    }

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("quotes.jsonl");
        Files.write(f, List.of(lines));
        return f;
    }

    private JsonlReplaySource source(Path f) {
        JsonlReplaySource s = new JsonlReplaySource(f, metrics, malformed::add);
        s.start();
        return s;
    }

    private static SourceQuote at(SourceQuote q, long eventTimeMs) {
        return new SourceQuote(q.source(), q.market(), eventTimeMs, q.payload(), q.traceId());
    }

    @Test
    void replaysInFileOrderPacedByTheQuotesOwnTimesRebasedOntoTheNodeClock() throws IOException {
        SourceQuote a = quote("book-1", RECORDED, "t1");
        SourceQuote b = quote("book-2", RECORDED + 500, "t2");
        SourceQuote c = quote("book-1", RECORDED + 500, "t3");
        SourceQuote d = quote("book-3", RECORDED + 2_000, "t4");
        try (JsonlReplaySource s = source(file(QuoteJsonl.toLine(a), QuoteJsonl.toLine(b), QuoteJsonl.toLine(c),
                QuoteJsonl.toLine(d)))) {
            assertThat(s.name()).isEqualTo("jsonl:" + dir.resolve("quotes.jsonl"));
            // the first poll maps the first quote's time onto the node clock
            assertThat(s.poll(Instant.ofEpochMilli(NOW))).containsExactly(at(a, NOW));
            assertThat(s.poll(Instant.ofEpochMilli(NOW + 499))).isEmpty();
            assertThat(s.poll(Instant.ofEpochMilli(NOW + 1_000))).containsExactly(at(b, NOW + 500), at(c, NOW + 500));
            assertThat(s.finished()).isFalse();
            assertThat(s.poll(Instant.ofEpochMilli(NOW + 2_000))).containsExactly(at(d, NOW + 2_000));
            assertThat(s.quotesRead()).isEqualTo(4);
        }
        assertThat(malformed).isEmpty();
        assertThat(TestMetrics.counter(registry, "m0_replay_lines_total", "result", "quote")).isEqualTo(4.0);
    }

    @Test
    void aLineWhoseTimeGoesBackIsReleasedRightAfterTheLineBeforeIt() throws IOException {
        SourceQuote a = quote("book-1", RECORDED, "t1");
        SourceQuote late = quote("book-2", RECORDED + 5_000, "t2");
        SourceQuote earlier = quote("book-3", RECORDED + 1_000, "t3");
        try (JsonlReplaySource s = source(file(QuoteJsonl.toLine(a), QuoteJsonl.toLine(late),
                QuoteJsonl.toLine(earlier)))) {
            assertThat(s.poll(Instant.ofEpochMilli(NOW))).containsExactly(at(a, NOW));
            assertThat(s.poll(Instant.ofEpochMilli(NOW + 2_000))).isEmpty();
            assertThat(s.poll(Instant.ofEpochMilli(NOW + 5_000)))
                    .containsExactly(at(late, NOW + 5_000), at(earlier, NOW + 1_000));
        }
    }

    @Test
    void malformedLinesAreSkippedNamingFileLineAndFieldAndCounted() throws IOException {
        String ok = QuoteJsonl.toLine(quote("book-1", RECORDED, "t1"));
        Path f = file(ok, "{nope", "", ok.replace("\"event_time_ms\":" + RECORDED, "\"event_time_ms\":\"x\""),
                QuoteJsonl.toLine(quote("book-2", RECORDED + 10, "t2")));
        try (JsonlReplaySource s = source(f)) {
            assertThat(s.poll(Instant.ofEpochMilli(NOW))).extracting(SourceQuote::traceId).containsExactly("t1");
            assertThat(s.poll(Instant.ofEpochMilli(NOW + 10))).extracting(SourceQuote::traceId).containsExactly("t2");
            assertThat(s.malformedLines()).isEqualTo(2);
        }
        assertThat(malformed).extracting(MalformedLine::line).containsExactly(2L, 4L);
        assertThat(malformed).extracting(MalformedLine::field).containsExactly("line", "event_time_ms");
        assertThat(malformed.get(1)).hasToString(f + ":4: event_time_ms: must be an integer");
        assertThat(malformed.get(0).toString()).startsWith(f + ":2: line: must be one JSON object");
        assertThat(TestMetrics.counter(registry, "m0_replay_lines_total", "result", "malformed")).isEqualTo(2.0);
        assertThat(TestMetrics.counter(registry, "m0_replay_lines_total", "result", "quote")).isEqualTo(2.0);
    }

    @Test
    void atTheEndOfTheFileEveryPollIsEmptyAndTheSourceSaysItIsFinished() throws IOException {
        try (JsonlReplaySource s = source(file(QuoteJsonl.toLine(quote("book-1", RECORDED, "t1"))))) {
            assertThat(s.finished()).isFalse();
            assertThat(s.poll(Instant.ofEpochMilli(NOW))).hasSize(1);
            assertThat(s.finished()).isTrue();
            assertThat(s.poll(Instant.ofEpochMilli(NOW + 1))).isEmpty();
            assertThat(s.poll(Instant.ofEpochMilli(NOW + 60_000))).isEmpty();
        }
        try (JsonlReplaySource empty = source(file())) {
            assertThat(empty.poll(Instant.ofEpochMilli(NOW))).isEmpty();
            assertThat(empty.finished()).isTrue();
        }
    }

    @Test
    void aPollReleasesAtMostOneBatch() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < JsonlReplaySource.MAX_BATCH + 5; i++) {
            lines.add(QuoteJsonl.toLine(quote("book-1", RECORDED, "t" + i)));
        }
        try (JsonlReplaySource s = source(file(lines.toArray(String[]::new)))) {
            assertThat(s.poll(Instant.ofEpochMilli(NOW))).hasSize(JsonlReplaySource.MAX_BATCH);
            assertThat(s.poll(Instant.ofEpochMilli(NOW))).hasSize(5);
        }
    }

    @Test
    void lifecycleIsStartPollClose() throws IOException {
        Path f = file(QuoteJsonl.toLine(quote("book-1", RECORDED, "t1")));
        JsonlReplaySource s = new JsonlReplaySource(f, metrics, malformed::add);
        assertThatThrownBy(() -> s.poll(Instant.ofEpochMilli(NOW))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("started");
        s.start();
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);
        s.close();
        s.close();
        assertThatThrownBy(() -> s.poll(Instant.ofEpochMilli(NOW))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aMissingFileFailsAtStartNamingIt() {
        Path missing = dir.resolve("missing.jsonl");
        JsonlReplaySource s = new JsonlReplaySource(missing, metrics, malformed::add);
        assertThatThrownBy(s::start).isInstanceOf(UncheckedIOException.class).hasMessageContaining(missing.toString());
    }
}
