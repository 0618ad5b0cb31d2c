package com.m0club.api.realtime;

import static com.m0club.api.realtime.StreamClient.type;
import static com.m0club.api.testing.OracleFixture.BTC;
import static com.m0club.api.testing.OracleFixture.NBA;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.api.rest.ApiServer;
import com.m0club.api.testing.Metrics;
import com.m0club.api.testing.OracleFixture;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.id.MarketId;
import com.m0club.view.ServedValue;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /v1/stream over a real WebSocket on loopback, fed through the published feed. */
class StreamTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int BUFFER = 16;

    private OracleFixture fixture;
    private PrometheusRegistry registry;
    private ApiServer server;

    @BeforeEach
    void start() {
        fixture = OracleFixture.seeded();
        registry = new PrometheusRegistry();
        server = ApiServer.builder().host("127.0.0.1").port(0).readModel(fixture.oracle()).feed(fixture.oracle())
                .registry(registry).clock(Clock.systemUTC()).clientBuffer(BUFFER).build().start();
    }

    @AfterEach
    void stop() {
        server.close();
        assertThat(fixture.oracle().listenerCount()).as("the hub unsubscribed from the feed").isZero();
    }

    @Test
    void aClientReceivesEveryNewValueByDefault() throws Exception {
        try (StreamClient client = new StreamClient(server.baseUri(), false)) {
            JsonNode hello = client.next(PATIENCE);
            assertThat(hello.get("type").asText()).isEqualTo("subscribed");
            assertThat(hello.get("all").asBoolean()).isTrue();
            assertThat(hello.get("buffer_limit").asInt()).isEqualTo(BUFFER);
            awaitGauge(1);

            OracleFixture.Round round = fixture.round(Map.of(BTC, OracleFixture.binary(0.66)));
            fixture.reveal(round);
            ServedValue v = round.value(BTC);
            JsonNode msg = client.await(type("value"), PATIENCE);
            assertThat(msg.get("market_id").asText()).isEqualTo(BTC.value());
            assertThat(msg.get("epoch_id").asLong()).isEqualTo(v.item().epochId());
            assertThat(msg.get("tick").asLong()).isEqualTo(v.item().tick());
            assertThat(msg.get("ledger_status").asText()).isEqualTo("REVEALED");
            assertThat(msg.get("sequence").asLong()).isEqualTo(v.sequence());
            assertThat(msg.get("bundle_hash_hex").asText()).isEqualTo(v.bundleHash().toHex());
            assertThat(msg.get("risk_score").asInt()).isEqualTo(v.item().riskScoreBps());
            assertThat(msg.get("quality_flags").isArray()).isTrue();
            JsonNode up = msg.get("distribution").get(1);
            assertThat(up.get("outcome").asText()).isEqualTo("UP");
            assertThat(up.get("p").asLong()).isEqualTo(660_000_000L);
            assertThat(up.get("p_decimal").asText()).isEqualTo("0.660000000");

            fixture.finalizeRound(round);
            JsonNode finalized = client.await(type("value"), PATIENCE);
            assertThat(finalized.get("ledger_status").asText()).isEqualTo("FINALIZED");
            assertThat(finalized.get("bundle_hash_hex").asText()).isEqualTo(v.bundleHash().toHex());
        }
        awaitGauge(0);
    }

    @Test
    void aSubscriptionFiltersMarkets() throws Exception {
        try (StreamClient client = new StreamClient(server.baseUri(), false)) {
            client.await(type("subscribed"), PATIENCE);
            client.send("{\"subscribe\":[\"" + NBA.value() + "\"]}");
            JsonNode ack = client.await(type("subscribed"), PATIENCE);
            assertThat(ack.get("all").asBoolean()).isFalse();
            assertThat(ack.get("markets").toString()).isEqualTo("[\"" + NBA.value() + "\"]");

            fixture.reveal(fixture.round(Map.of(BTC, OracleFixture.binary(0.4))));
            Map<MarketId, Distribution> both = new LinkedHashMap<>();
            both.put(BTC, OracleFixture.binary(0.41));
            both.put(NBA, fixture.oracle().latest(NBA).orElseThrow().item().distribution());
            OracleFixture.Round round = fixture.round(both);
            fixture.reveal(round);

            JsonNode first = client.next(PATIENCE);
            assertThat(first.get("type").asText()).isEqualTo("value");
            assertThat(first.get("market_id").asText()).as("BTC values are filtered out").isEqualTo(NBA.value());
            assertThat(first.get("sequence").asLong()).isEqualTo(round.bundle().header().sequence());
        }
    }

    @Test
    void aBadSubscriptionIsRefusedWithTheRuleAndChangesNothing() throws Exception {
        try (StreamClient client = new StreamClient(server.baseUri(), false)) {
            client.await(type("subscribed"), PATIENCE);
            client.send("{\"subscribe\":[\"" + NBA.value() + "\",\"btc\"]}");
            JsonNode error = client.await(type("error"), PATIENCE);
            assertThat(error.get("error").asText()).isEqualTo("INVALID_FORMAT");
            assertThat(error.get("message").asText()).startsWith("subscribe[1]: must match [A-Z][A-Z0-9_]{2,63}");

            client.send("{\"subscribe\":[\"NOT_REGISTERED\"]}");
            JsonNode unknown = client.await(type("error"), PATIENCE);
            assertThat(unknown.get("error").asText()).isEqualTo("NOT_FOUND");
            assertThat(unknown.get("message").asText())
                    .isEqualTo("subscribe[0]: market NOT_REGISTERED is not registered");

            client.send("hello");
            assertThat(client.await(type("error"), PATIENCE).get("error").asText()).isEqualTo("INVALID_JSON");
            client.send("{\"subscribe\":[]}");
            assertThat(client.await(type("error"), PATIENCE).get("message").asText()).contains("non-empty array");

            // Still subscribed to everything.
            fixture.reveal(fixture.round(Map.of(BTC, OracleFixture.binary(0.5))));
            assertThat(client.await(type("value"), PATIENCE).get("market_id").asText()).isEqualTo(BTC.value());
            assertThat(Metrics.value(registry, "m0_realtime_errors", "reason", "refused_message")).isEqualTo(4);
        }
    }

    @Test
    void aSlowClientsBufferIsBoundedAndTheFeedNeverWaits() throws Exception {
        try (StreamClient slow = new StreamClient(server.baseUri(), true);
                StreamClient fast = new StreamClient(server.baseUri(), false)) {
            slow.next(PATIENCE);
            fast.await(type("subscribed"), PATIENCE);
            awaitGauge(2);
            fast.send("{\"subscribe\":[\"" + NBA.value() + "\"]}");
            fast.await(type("subscribed"), PATIENCE);

            // The slow client stopped reading: push until its socket is full and its buffer overflows. Every push
            // returns at once; nothing here waits for a client.
            ServedValue btc = fixture.oracle().latest(BTC).orElseThrow();
            int pushed = 0;
            while (Metrics.value(registry, "m0_realtime_dropped") == 0 && pushed < 400_000) {
                fixture.oracle().push(btc);
                pushed++;
                assertThat(server.realtime().maxBuffered()).isLessThanOrEqualTo(BUFFER);
            }
            assertThat(Metrics.value(registry, "m0_realtime_dropped")).as("after %d pushes", pushed).isPositive();
            assertThat(server.realtime().maxBuffered()).isLessThanOrEqualTo(BUFFER);

            // The fast client is unaffected: its next value arrives promptly.
            ServedValue nba = fixture.oracle().latest(NBA).orElseThrow();
            fixture.oracle().push(nba);
            assertThat(fast.await(type("value"), PATIENCE).get("market_id").asText()).isEqualTo(NBA.value());

            // When the slow client reads again it is told how much it missed.
            double dropped = Metrics.value(registry, "m0_realtime_dropped");
            slow.resume();
            JsonNode lag = slow.await(type("lag"), Duration.ofSeconds(60));
            assertThat(lag.get("dropped").asLong()).isPositive().isLessThanOrEqualTo((long) dropped);
            assertThat(Metrics.value(registry, "m0_realtime_clients")).isEqualTo(2);
        }
    }

    @Test
    void closingTheServerClosesClients() throws Exception {
        StreamClient client = new StreamClient(server.baseUri(), false);
        client.await(type("subscribed"), PATIENCE);
        server.close();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!client.isClosed() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(client.isClosed()).isTrue();
        client.close();
    }

    private void awaitGauge(double expected) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (Metrics.value(registry, "m0_realtime_clients") != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Metrics.value(registry, "m0_realtime_clients")).isEqualTo(expected);
    }
}
