package com.m0club.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.engine.source.QuoteJsonl;
import com.m0club.engine.source.QuotePayload;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import com.m0club.runtime.config.M0Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose ingestor replays a small JSONL quotes file ({@code M0_QUOTE_SOURCE=jsonl:<path>}) instead of the
 * simulator: every well-formed quote reaches ingest in file order and is accepted, the malformed line is counted.
 */
class JsonlReplayNodeTest {
    @TempDir
    Path dataDir;

    @Test
    void theIngestorTakesItsQuotesFromTheConfiguredReplayFile() throws Exception {
        long recorded = 1_600_000_000_000L;
        List<String> lines = new ArrayList<>();
        List<String> traces = new ArrayList<>();
        for (int step = 0; step < 2; step++) {
            for (int book = 1; book <= 3; book++) {
                String trace = "replay-" + step + "-" + book;
                traces.add(trace);
                lines.add(QuoteJsonl.toLine(new SourceQuote(SourceId.of("replay.book-" + book),
                        MarketId.of("NBA_LAL_BOS"), recorded + step * 500L,
                        QuotePayload.BookmakerOdds.of(Map.of(OutcomeId.of("HOME_WIN"), 1.70 + 0.05 * book,
                                OutcomeId.of("AWAY_WIN"), 2.30 - 0.05 * book)), trace)));
            }
            if (step == 0) {
                lines.add("{\"v\":1,\"source\":\"replay.bad\"}");
            }
        }
        Path quotes = dataDir.resolve("quotes.jsonl");
        Files.createDirectories(dataDir);
        Files.write(quotes, lines);

        Map<String, String> env = new HashMap<>(DevNode.env(dataDir.resolve("node")));
        env.put("M0_ROLES", "ingestor");
        env.put("M0_QUOTE_SOURCE", "jsonl:" + quotes);
        NodeOptions options = NodeOptions.fromConfig(M0Keys.load(env, Optional.empty())).withPorts(0, 0, 0)
                .withPostgresBinaries(DevNode.postgresBinaries());
        Files.createDirectories(options.dataDir());
        List<SourceQuote> seen = new CopyOnWriteArrayList<>();
        try (OracleNode node = OracleNode.start(options, Optional.of(seen::add))) {
            DevNode.await("the six replayed quotes accepted by ingest", DevNode.PATIENCE,
                    () -> DevNode.counter(node, "m0_ingest_events", "result", "accepted") == 6);
            assertThat(seen).extracting(SourceQuote::traceId).containsExactlyElementsOf(traces);
            assertThat(DevNode.counter(node, "m0_replay_lines", "result", "quote")).isEqualTo(6.0);
            assertThat(DevNode.counter(node, "m0_replay_lines", "result", "malformed")).isEqualTo(1.0);
            assertThat(DevNode.counter(node, "m0_ingest_events", "result", "rejected")).isZero();
        }
    }
}
