package com.m0club.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CombinedQuoteSourceTest {
    static final MarketId M = MarketId.of("NBA_LAL_BOS");

    static final class Fixed implements QuoteSource {
        final String name;
        final List<String> log;
        final boolean failStart;
        final Map<SourceId, Set<MarketId>> degraded;

        Fixed(String name, List<String> log, boolean failStart, Map<SourceId, Set<MarketId>> degraded) {
            this.name = name;
            this.log = log;
            this.failStart = failStart;
            this.degraded = degraded;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() {
            if (failStart) {
                throw new IllegalStateException(name + " cannot start");
            }
            log.add("start " + name);
        }

        @Override
        public List<SourceQuote> poll(Instant now) {
            return List.of(new SourceQuote(SourceId.of(name), M, now.toEpochMilli(),
                    QuotePayload.BookmakerOdds.of(Map.of(OutcomeId.of("HOME_WIN"), 1.9, OutcomeId.of("AWAY_WIN"),
                            1.9)), "t-" + name));
        }

        @Override
        public Map<SourceId, Set<MarketId>> degradedSources() {
            return degraded;
        }

        @Override
        public void close() {
            log.add("close " + name);
        }
    }

    @Test
    void pollsEveryPartInOrderAndUnitesTheirDegradedSources() {
        List<String> log = new ArrayList<>();
        var combined = new CombinedQuoteSource(List.of(new Fixed("a", log, false, Map.of()),
                new Fixed("b", log, false, Map.of(SourceId.of("b"), Set.of(M)))));
        combined.start();
        assertThat(combined.name()).isEqualTo("a,b");
        assertThat(combined.poll(Instant.ofEpochMilli(5))).extracting(q -> q.source().value()).containsExactly("a",
                "b");
        assertThat(combined.degradedSources()).isEqualTo(Map.of(SourceId.of("b"), Set.of(M)));
        combined.close();
        combined.close();
        assertThat(log).containsExactly("start a", "start b", "close b", "close a");
    }

    @Test
    void aPartThatCannotStartClosesThoseStartedBeforeIt() {
        List<String> log = new ArrayList<>();
        var combined = new CombinedQuoteSource(List.of(new Fixed("a", log, false, Map.of()),
                new Fixed("b", log, true, Map.of())));
        assertThatThrownBy(combined::start).hasMessage("b cannot start");
        assertThat(log).containsExactly("start a", "close a");
        assertThatThrownBy(() -> new CombinedQuoteSource(List.of(new Fixed("a", log, false, Map.of()))))
                .hasMessageContaining("parts: a combined source needs at least two sources");
    }
}
