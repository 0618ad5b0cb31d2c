package com.m0club.adapter.source.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.source.http.TestFeed.Reply;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpQuoteSourceTest {
    static final Instant NOW = Instant.ofEpochMilli(1_700_000_000_000L);
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private TestFeed feed() throws Exception {
        TestFeed f = new TestFeed(n -> Reply.json(TestFeed.odds(n)));
        open.add(f);
        return f;
    }

    private HttpQuoteSource manual(ConnectorSpec... specs) {
        HttpQuoteSource s = HttpQuoteSource.builder(List.of(specs), registry).clock(new ManualClock()).manual()
                .build();
        open.add(s);
        s.start();
        return s;
    }

    @Test
    void aDisabledConnectorMakesNoRequestsAndItsQueuedQuotesAreDroppedAtTheNextPoll() throws Exception {
        TestFeed a = feed();
        TestFeed b = feed();
        HttpQuoteSource source = manual(Specs.odds("book-a", a.url()), Specs.odds("book-b", b.url()));
        source.cycle();
        assertThat(source.poll(NOW)).extracting(q -> q.source().value()).containsExactly("book-a", "book-b");

        source.cycle();
        source.setDisabled(Set.of("book-a", "not-here"));
        assertThat(source.disabled()).containsExactly("book-a");
        assertThat(source.poll(NOW)).as("book-a's quote fetched before the switch is dropped")
                .extracting(q -> q.source().value()).containsExactly("book-b");
        int before = a.requests();
        source.cycle();
        assertThat(a.requests()).as("no requests while disabled").isEqualTo(before);
        assertThat(source.poll(NOW)).extracting(q -> q.source().value()).containsExactly("book-b");
        assertThat(Metrics.value(registry, "m0_connector_disabled", "connector", "book-a")).isEqualTo(1);
        assertThat(Metrics.value(registry, "m0_connector_disabled", "connector", "book-b")).isZero();
        assertThat(Metrics.value(registry, "m0_connector_items", "connector", "book-a", "result", "disabled"))
                .isEqualTo(1);

        source.setDisabled(Set.of());
        source.cycle();
        assertThat(source.poll(NOW)).extracting(q -> q.source().value()).containsExactly("book-a", "book-b");
        assertThat(Metrics.value(registry, "m0_connector_disabled", "connector", "book-a")).isZero();
    }

    @Test
    void aDegradedConnectorIsReportedWithItsMarketsUnlessDisabled() throws Exception {
        TestFeed a = feed();
        HttpQuoteSource source = manual(Specs.odds("book-a", a.url(), "retries = 0", "degraded_after = 2"));
        source.cycle();
        assertThat(source.degradedSources()).isEmpty();
        a.otherwise(n -> Reply.status(500));
        source.cycle();
        source.cycle();
        assertThat(source.degradedSources()).isEqualTo(Map.of(SourceId.of("book-a"),
                Set.of(MarketId.of("NBA_LAL_BOS"))));
        source.setDisabled(Set.of("book-a"));
        assertThat(source.degradedSources()).isEmpty();
    }

    @Test
    void inBackgroundEachConnectorPollsOnItsOwnThreadUntilClosed() throws Exception {
        TestFeed a = feed();
        HttpQuoteSource source = HttpQuoteSource.builder(List.of(Specs.odds("book-a", a.url(), "interval_ms = 50",
                "rate_limit_per_s = 100")), registry).build();
        source.start();
        List<SourceQuote> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (got.size() < 3 && System.nanoTime() < deadline) {
            got.addAll(source.poll(NOW));
            Thread.sleep(20);
        }
        source.close();
        assertThat(got.size()).isGreaterThanOrEqualTo(3);
        assertThat(got).extracting(SourceQuote::eventTimeMs).isSorted().doesNotHaveDuplicates();
        int after = a.requests();
        Thread.sleep(200);
        assertThat(a.requests()).as("no polling after close").isEqualTo(after);
        assertThatThrownBy(() -> source.poll(NOW)).isInstanceOf(IllegalStateException.class);
    }
}
