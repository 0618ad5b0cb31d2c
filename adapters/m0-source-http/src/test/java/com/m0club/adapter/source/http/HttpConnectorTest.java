package com.m0club.adapter.source.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.adapter.source.http.TestFeed.Reply;
import com.m0club.engine.source.QuotePayload;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One connector against a real local HTTP server, scheduled by a manual clock. */
class HttpConnectorTest {
    static final MarketId NBA = MarketId.of("NBA_LAL_BOS");
    static final OutcomeId HOME = OutcomeId.of("HOME_WIN");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ManualClock clock = new ManualClock();
    private final List<HttpClient> clients = new ArrayList<>();
    private TestFeed feed;

    @AfterEach
    void tearDown() {
        clients.forEach(HttpClient::close);
        if (feed != null) {
            feed.close();
        }
    }

    private HttpConnector connector(ConnectorSpec spec) {
        HttpClient client = HttpConnector.clientFor(spec);
        clients.add(client);
        return new HttpConnector(spec, client, clock, InstantSource.fixed(Instant.ofEpochMilli(5)),
                new ConnectorMetrics(registry));
    }

    private double requests(String result) {
        return Metrics.value(registry, "m0_connector_requests", "connector", "book-a", "result", result);
    }

    @Test
    void changingQuotesAreMappedAndAnUnchangedQuoteIsNotEmittedAgain() throws Exception {
        feed = new TestFeed(n -> Reply.json(TestFeed.odds(n <= 2 ? n : 2)));
        HttpConnector c = connector(Specs.odds("book-a", feed.url()));

        SourceQuote first = c.poll().quotes().getFirst();
        assertThat(first.source()).isEqualTo(SourceId.of("book-a"));
        assertThat(first.market()).isEqualTo(NBA);
        assertThat(first.eventTimeMs()).isEqualTo(1_700_000_000_001L);
        assertThat(first.payload()).isInstanceOfSatisfying(QuotePayload.BookmakerOdds.class, b ->
                assertThat(b.odds()).containsEntry(HOME, 1.81).containsEntry(OutcomeId.of("AWAY_WIN"), 2.05));
        assertThat(first.traceId()).startsWith("book-a-").endsWith("-1-0");

        SourceQuote second = c.poll().quotes().getFirst();
        assertThat(second.eventTimeMs()).isEqualTo(1_700_000_000_002L);
        assertThat(second.payload().values().get(HOME)).isEqualTo(1.82);

        HttpConnector.PollResult third = c.poll();
        assertThat(third.ok()).isTrue();
        assertThat(third.quotes()).as("the feed repeated itself").isEmpty();
        assertThat(Metrics.value(registry, "m0_connector_items", "connector", "book-a", "result", "unchanged"))
                .isEqualTo(1);
        assertThat(Metrics.value(registry, "m0_connector_items", "connector", "book-a", "result", "quote"))
                .isEqualTo(2);
        assertThat(c.marketsSeen()).containsExactly(NBA);
        assertThat(requests("ok")).isEqualTo(3);
    }

    @Test
    void aTimeoutAndA5xxAreRetriedWithDoublingBackoffThenTheAnswerIsUsed() throws Exception {
        feed = new TestFeed(n -> Reply.json(TestFeed.odds(n)));
        feed.then(Reply.hang(), Reply.status(503));
        HttpConnector c = connector(Specs.odds("book-a", feed.url(), "timeout_ms = 300", "retries = 2",
                "backoff_ms = 250", "rate_limit_per_s = 1000"));

        HttpConnector.PollResult r = c.poll();
        assertThat(r.ok()).isTrue();
        assertThat(r.requests()).isEqualTo(3);
        assertThat(r.quotes()).hasSize(1);
        assertThat(requests("timeout")).isEqualTo(1);
        assertThat(requests("server_error")).isEqualTo(1);
        assertThat(requests("ok")).isEqualTo(1);
        assertThat(clock.sleepsMillis()).as("backoff before each retry").containsSubsequence(250L, 500L);
        assertThat(c.consecutiveFailures()).isZero();
    }

    @Test
    void aPollWhoseRetriesAllFailIsCountedAsOneFailedPoll() throws Exception {
        feed = new TestFeed(n -> Reply.status(502));
        HttpConnector c = connector(Specs.odds("book-a", feed.url(), "retries = 2", "backoff_ms = 10"));

        HttpConnector.PollResult r = c.poll();
        assertThat(r.ok()).isFalse();
        assertThat(r.result()).isEqualTo("server_error");
        assertThat(feed.requests()).isEqualTo(3);
        assertThat(requests("server_error")).isEqualTo(3);
        assertThat(Metrics.value(registry, "m0_connector_polls", "connector", "book-a", "result", "failed"))
                .isEqualTo(1);
        assertThat(c.consecutiveFailures()).isEqualTo(1);
        assertThat(c.degraded()).isFalse();
    }

    @Test
    void aClientErrorOrAnUnusableBodyIsNotRetried() throws Exception {
        feed = new TestFeed(n -> Reply.json(TestFeed.odds(n)));
        feed.then(Reply.status(404), Reply.json("not json"), Reply.json("{\"other\":[]}"),
                Reply.json("{\"markets\":[{\"id\":\"NBA_LAL_BOS\"}]}"));
        HttpConnector c = connector(Specs.odds("book-a", feed.url(), "retries = 3"));

        for (String expected : List.of("client_error", "bad_response", "bad_response", "bad_response")) {
            HttpConnector.PollResult r = c.poll();
            assertThat(r.ok()).isFalse();
            assertThat(r.requests()).isEqualTo(1);
            assertThat(r.result()).isEqualTo(expected);
        }
        assertThat(requests("client_error")).isEqualTo(1);
        assertThat(requests("bad_response")).isEqualTo(3);
        assertThat(c.poll().ok()).isTrue();
        assertThat(feed.requests()).isEqualTo(5);
    }

    @Test
    void aBadItemIsSkippedAndCountedAndTheRestOfThePayloadIsUsed() throws Exception {
        feed = new TestFeed(n -> Reply.json("""
                {"markets":[
                  {"id":"NBA_LAL_BOS","updated_ms":10,"outcomes":[{"name":"HOME_WIN","odds":1.9},
                                                                  {"name":"AWAY_WIN","odds":"2.0"}]},
                  {"id":"EPL_ARS_MCI","updated_ms":10,"outcomes":[{"name":"HOME_WIN","odds":"x"}]},
                  {"id":"nba lowercase","updated_ms":10,"outcomes":[{"name":"HOME_WIN","odds":1.5}]},
                  {"id":"CRYPTO_BTC","outcomes":[{"name":"UP","odds":1.5}]}
                ]}"""));
        HttpConnector c = connector(Specs.odds("book-a", feed.url()));

        HttpConnector.PollResult r = c.poll();
        assertThat(r.ok()).isTrue();
        assertThat(r.quotes()).extracting(SourceQuote::market).containsExactly(NBA);
        assertThat(r.quotes().getFirst().payload().values()).containsEntry(OutcomeId.of("AWAY_WIN"), 2.0);
        assertThat(Metrics.value(registry, "m0_connector_items", "connector", "book-a", "result", "bad_item"))
                .isEqualTo(3);
    }

    @Test
    void aConnectorFailingNPollsInARowIsDegradedAndRecoversWhenTheServerDoes() throws Exception {
        feed = new TestFeed(n -> Reply.status(503));
        HttpConnector c = connector(Specs.odds("book-a", feed.url(), "retries = 0", "degraded_after = 3"));
        double healthy;
        for (int i = 1; i <= 2; i++) {
            c.poll();
            assertThat(c.degraded()).isFalse();
        }
        healthy = Metrics.value(registry, "m0_connector_healthy", "connector", "book-a");
        assertThat(healthy).isEqualTo(1);
        c.poll();
        assertThat(c.degraded()).isTrue();
        assertThat(Metrics.value(registry, "m0_connector_healthy", "connector", "book-a")).isZero();
        assertThat(Metrics.value(registry, "m0_connector_consecutive_failures", "connector", "book-a"))
                .isEqualTo(3);
        c.poll();
        assertThat(c.degraded()).isTrue();

        feed.otherwise(n -> Reply.json(TestFeed.odds(n)));
        assertThat(c.poll().ok()).isTrue();
        assertThat(c.degraded()).isFalse();
        assertThat(Metrics.value(registry, "m0_connector_healthy", "connector", "book-a")).isEqualTo(1);
        assertThat(c.consecutiveFailures()).isZero();
    }

    @Test
    void requestsRetriesIncludedAreSpacedByTheRateLimitOnTheConnectorsClock() throws Exception {
        feed = new TestFeed(n -> n % 2 == 0 ? Reply.status(503) : Reply.json(TestFeed.odds(n)));
        HttpConnector c = connector(Specs.odds("book-a", feed.url(), "rate_limit_per_s = 4", "retries = 1",
                "backoff_ms = 0"));
        long start = clock.nanoTime();
        for (int i = 0; i < 10; i++) {
            c.poll();
        }
        int made = feed.requests();
        assertThat(made).isGreaterThanOrEqualTo(10);
        assertThat(clock.elapsedMillisSince(start)).as("%d requests at 4/s take at least %d ms", made,
                (made - 1) * 250).isGreaterThanOrEqualTo((made - 1) * 250L);
        assertThat(clock.sleepsMillis()).allMatch(ms -> ms <= 250);

        clock.advanceMillis(10_000);
        clock.clearSleeps();
        feed.otherwise(n -> Reply.json(TestFeed.odds(n)));
        c.poll();
        assertThat(clock.sleepsMillis()).as("idle time counts: no wait after a pause").isEmpty();
    }

    @Test
    void aBodyLargerThanTheLimitIsABadResponse() throws Exception {
        feed = new TestFeed(n -> Reply.json("{\"markets\":[],\"pad\":\"" + "x".repeat(5000) + "\"}"));
        HttpConnector c = connector(Specs.odds("book-a", feed.url(), "max_body_bytes = 1024"));
        HttpConnector.PollResult r = c.poll();
        assertThat(r.ok()).isFalse();
        assertThat(r.result()).isEqualTo("bad_response");
    }

    @Test
    void headersAreSentAndNeverShownInLogsOrErrors() throws Exception {
        feed = new TestFeed(n -> Reply.json(TestFeed.odds(n)));
        ConnectorSpec spec = ConnectorsFile.parse("""
                [[connector]]
                id = "book-a"
                url = "%s?apikey=s3cr3t"
                kind = "decimal_odds"
                [connector.headers]
                Authorization = "env:BOOK_A_TOKEN"
                """.formatted(feed.url()) + Specs.MAPPING, "<test>", java.util.Map.of("BOOK_A_TOKEN", "Bearer t0k3n"))
                .getFirst();
        HttpConnector c = connector(spec);
        assertThat(c.poll().ok()).isTrue();
        assertThat(feed.authHeaders()).containsExactly("Bearer t0k3n");
        assertThat(spec.toString()).doesNotContain("t0k3n", "s3cr3t").contains("?...");
        assertThat(c.redact("GET " + spec.url() + " with Bearer t0k3n failed")).doesNotContain("t0k3n", "s3cr3t");
    }
}
