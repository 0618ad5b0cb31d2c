package com.m0club.api.rest;

import static com.m0club.api.testing.OracleFixture.BTC;
import static com.m0club.api.testing.OracleFixture.CPI;
import static com.m0club.api.testing.OracleFixture.NBA;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.m0club.api.json.ServedValueJson;
import com.m0club.api.testing.Metrics;
import com.m0club.api.testing.OracleFixture;
import com.m0club.api.testing.TestHttp;
import com.m0club.api.verify.Check;
import com.m0club.api.verify.OfflineVerifier;
import com.m0club.api.verify.VerificationReport;
import com.m0club.view.ServedValue;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/markets/{id}/epochs/{epochId}} over real HTTP: the canonical value of one epoch with the same shape
 * and proof contract as {@code /latest}, REVEALED while the epoch is open and FINALIZED once it is final, and the
 * 400/404 rules. Each test gets a fresh fixture, because rounds change what is served.
 */
class EpochValueTest {
    private OracleFixture fixture;
    private PrometheusRegistry registry;
    private ApiServer server;
    private TestHttp http;

    @BeforeEach
    void start() {
        fixture = OracleFixture.empty();
        registry = new PrometheusRegistry();
        server = ApiServer.builder().host("127.0.0.1").port(0).readModel(fixture.oracle()).feed(fixture.oracle())
                .registry(registry).clock(Clock.systemUTC()).build().start();
        http = new TestHttp(server.baseUri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void servesTheEpochsValueRevealedThenFinalizedWithTheProofOfLatest() {
        OracleFixture.Round round = fixture.round(Map.of(BTC, OracleFixture.binary(0.61),
                NBA, OracleFixture.binary(0.4)));
        fixture.reveal(round);
        ServedValue revealed = round.value(BTC);
        String path = "/v1/markets/" + BTC.value() + "/epochs/" + revealed.item().epochId();

        TestHttp.Response open = http.get(path);
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.header("content-type")).startsWith("application/json");
        assertThat(open.header("etag")).isEqualTo("\"" + revealed.bundleHash().toHex() + "-revealed\"");
        JsonNode body = open.json();
        assertThat(body).as("same object as /latest").isEqualTo(http.json("/v1/markets/" + BTC.value() + "/latest"));
        assertThat(body.toString()).isEqualTo(ServedValueJson.latest(revealed).toString());
        assertThat(body.get("epoch_id").asLong()).isEqualTo(revealed.item().epochId());
        assertThat(body.get("ledger").get("status").asText()).isEqualTo("REVEALED");
        assertThat(body.get("ledger").get("finalized_slot").isNull()).isTrue();
        assertThat(verify(body).verified()).isTrue();

        fixture.finalizeRound(round);
        JsonNode finalized = http.json(path);
        assertThat(finalized.get("ledger").get("status").asText()).isEqualTo("FINALIZED");
        assertThat(finalized.get("ledger").get("finalized_slot").asLong())
                .isEqualTo(revealed.revealSlot() + 50);
        assertThat(finalized.get("proof")).isEqualTo(body.get("proof"));
        VerificationReport report = verify(finalized);
        assertThat(report.verified()).as(report.render()).isTrue();
    }

    @Test
    void aFinalizedEpochKeepsItsValueWhileLatestMovesOn() {
        OracleFixture.Round first = fixture.round(Map.of(BTC, OracleFixture.binary(0.55)));
        fixture.finalizeRound(first);
        // The fixture's rounds are 5 s apart within one hour-long epoch; a later round of the same epoch is what
        // the ledger would refuse once it finalized, and the model keeps the finalized value as the epoch's.
        OracleFixture.Round second = fixture.round(Map.of(BTC, OracleFixture.binary(0.7)));
        fixture.reveal(second);
        long epoch = first.value(BTC).item().epochId();
        JsonNode value = http.json("/v1/markets/" + BTC.value() + "/epochs/" + epoch);
        assertThat(value.get("proof").get("bundle_hash_hex").asText()).isEqualTo(first.bundle().bundleHash().toHex());
        assertThat(value.get("ledger").get("status").asText()).isEqualTo("FINALIZED");
        assertThat(http.json("/v1/markets/" + BTC.value() + "/latest").get("proof").get("bundle_hash_hex").asText())
                .isEqualTo(second.bundle().bundleHash().toHex());
    }

    @Test
    void etagRevalidates() {
        OracleFixture.Round round = fixture.round(Map.of(BTC, OracleFixture.binary(0.52)));
        fixture.finalizeRound(round);
        String path = "/v1/markets/" + BTC.value() + "/epochs/" + round.value(BTC).item().epochId();
        String etag = http.get(path).header("etag");
        assertThat(etag).isEqualTo("\"" + round.bundle().bundleHash().toHex() + "-finalized\"");
        TestHttp.Response again = http.get(path, etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void unknownMarketOrEpochIs404SayingWhich() {
        OracleFixture.Round round = fixture.round(Map.of(BTC, OracleFixture.binary(0.5)));
        fixture.reveal(round);
        long epoch = round.value(BTC).item().epochId();

        TestHttp.Response later = http.get("/v1/markets/" + BTC.value() + "/epochs/" + (epoch + 1));
        assertThat(later.status()).isEqualTo(404);
        assertThat(later.json().get("error").asText()).isEqualTo("NOT_FOUND");
        assertThat(later.json().get("message").asText())
                .startsWith("market " + BTC.value() + " has no value for epoch " + (epoch + 1));

        TestHttp.Response nothing = http.get("/v1/markets/" + CPI.value() + "/epochs/" + epoch);
        assertThat(nothing.status()).isEqualTo(404);
        assertThat(nothing.json().get("message").asText()).contains("has no value for epoch " + epoch);

        TestHttp.Response unknown = http.get("/v1/markets/NOT_A_MARKET/epochs/" + epoch);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("message").asText()).isEqualTo("market NOT_A_MARKET is not registered");
    }

    @Test
    void malformedIdsAre400NamingTheFieldAndRule() {
        TestHttp.Response letters = http.get("/v1/markets/" + BTC.value() + "/epochs/abc");
        assertThat(letters.status()).isEqualTo(400);
        assertThat(letters.json().get("error").asText()).isEqualTo("INVALID_FORMAT");
        assertThat(letters.json().get("field").asText()).isEqualTo("epoch_id");
        assertThat(letters.json().get("message").asText())
                .isEqualTo("epoch_id: must be a decimal u64 (0..9223372036854775807), got \"abc\" [INVALID_FORMAT]");

        TestHttp.Response negative = http.get("/v1/markets/" + BTC.value() + "/epochs/-1");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().get("error").asText()).isEqualTo("INVALID_FORMAT");

        TestHttp.Response tooBig = http.get("/v1/markets/" + BTC.value() + "/epochs/9223372036854775808");
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.json().get("error").asText()).isEqualTo("OUT_OF_RANGE");
        assertThat(tooBig.json().get("field").asText()).isEqualTo("epoch_id");

        TestHttp.Response badMarket = http.get("/v1/markets/btc/epochs/1");
        assertThat(badMarket.status()).isEqualTo(400);
        assertThat(badMarket.json().get("field").asText()).isEqualTo("market_id");
    }

    @Test
    void requestsAreCountedUnderTheRoutePattern() {
        String route = "/v1/markets/{id}/epochs/{epochId}";
        double before = Metrics.value(registry, "m0_api_requests", "route", route, "status", "404");
        http.get("/v1/markets/" + BTC.value() + "/epochs/1");
        http.get("/v1/markets/" + BTC.value() + "/epochs/2");
        assertThat(Metrics.value(registry, "m0_api_requests", "route", route, "status", "404"))
                .isEqualTo(before + 2);
    }

    @Test
    void openApiDocumentsTheRoute() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(
                http.get("/openapi.yaml").body());
        JsonNode route = doc.at("/paths/~1v1~1markets~1{id}~1epochs~1{epochId}/get");
        assertThat(route.isMissingNode()).as("the epochs route is documented").isFalse();
        assertThat(route.at("/responses/200/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/LatestValue");
        assertThat(doc.at("/components/parameters/EpochId/name").asText()).isEqualTo("epochId");
    }

    private VerificationReport verify(JsonNode value) {
        JsonNode set = http.json("/v1/signer-sets/" + OracleFixture.SIGNER_SET_ID);
        VerificationReport report = new OfflineVerifier(HttpClient.newHttpClient(), Duration.ofSeconds(10))
                .verify(value, set);
        assertThat(report.result(Check.INCLUSION).orElseThrow().passed()).as(report.render()).isTrue();
        return report;
    }
}
