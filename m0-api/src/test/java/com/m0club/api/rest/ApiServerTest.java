package com.m0club.api.rest;

import static com.m0club.api.testing.OracleFixture.BTC;
import static com.m0club.api.testing.OracleFixture.CPI;
import static com.m0club.api.testing.OracleFixture.SENATE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.m0club.api.testing.Metrics;
import com.m0club.api.testing.OracleFixture;
import com.m0club.api.testing.TestHttp;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.view.ServedValue;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every REST endpoint over real HTTP on loopback, against real bundles and signatures. */
class ApiServerTest {
    private static OracleFixture fixture;
    private static PrometheusRegistry registry;
    private static ApiServer server;
    private static TestHttp http;

    @BeforeAll
    static void start() {
        fixture = OracleFixture.seeded();
        registry = new PrometheusRegistry();
        server = ApiServer.builder().host("127.0.0.1").port(0).readModel(fixture.oracle()).feed(fixture.oracle())
                .registry(registry).clock(Clock.systemUTC()).build().start();
        http = new TestHttp(server.baseUri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void listsEveryMarketWithItsCompactLatestValue() {
        JsonNode body = http.json("/v1/markets");
        JsonNode markets = body.get("markets");
        List<String> ids = new ArrayList<>();
        markets.forEach(m -> ids.add(m.get("id").asText()));
        assertThat(ids).containsExactly("CRYPTO_BTC_UP_1H", "MACRO_US_CPI_ABOVE_3", "POLITICS_US_SENATE_2026",
                "SPORTS_EPL_ARS_CHE_2026_01_04", "SPORTS_NBA_LAL_BOS_2026_01_04");

        JsonNode btc = markets.get(0);
        assertThat(btc.get("domain").asText()).isEqualTo("CRYPTO");
        assertThat(btc.get("title").asText()).isEqualTo("Bitcoin closes the hour higher");
        assertThat(btc.get("tier").asText()).isEqualTo("FAST");
        assertThat(btc.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(btc.get("outcomes").toString()).isEqualTo("[\"DOWN\",\"UP\"]");
        assertThat(btc.get("epoch_window_ms").asLong()).isEqualTo(3_600_000);
        assertThat(btc.get("publish_cadence_ms").asLong()).isEqualTo(1_000);
        assertThat(btc.get("last_publish_status").asText()).isEqualTo("REVEALED");
        assertThat(btc.get("last_problem").isNull()).isTrue();

        ServedValue served = fixture.oracle().latest(BTC).orElseThrow();
        JsonNode latest = btc.get("latest");
        assertThat(latest.get("epoch_id").asLong()).isEqualTo(served.item().epochId());
        assertThat(latest.get("tick").asLong()).isEqualTo(served.item().tick());
        assertThat(latest.get("sequence").asLong()).isEqualTo(2);
        assertThat(latest.get("ledger_status").asText()).isEqualTo("REVEALED");
        assertThat(latest.get("bundle_hash_hex").asText()).isEqualTo(served.bundleHash().toHex());
        assertThat(latest.get("risk_score").asInt()).isEqualTo(served.item().riskScoreBps());
        assertThat(latest.get("quality_flags").toString()).isEqualTo("[\"DRIFT\",\"CI_WIDE\"]");
        JsonNode up = latest.get("distribution").get(1);
        assertThat(up.get("outcome").asText()).isEqualTo("UP");
        assertThat(up.get("p").asLong()).isEqualTo(580_000_000L);
        assertThat(up.get("p_decimal").asText()).isEqualTo("0.580000000");
        assertThat(up.get("ci_low").asLong()).isEqualTo(540_000_000L);
        assertThat(up.get("ci_high_decimal").asText()).isEqualTo("0.620000000");
        assertThat(latest.has("proof")).as("the listing carries no proof").isFalse();

        JsonNode cpi = markets.get(1);
        assertThat(cpi.get("latest").isNull()).isTrue();
        assertThat(cpi.get("last_publish_status").isNull()).isTrue();

        JsonNode epl = markets.get(3);
        assertThat(epl.get("status").asText()).isEqualTo("PAUSED");
        assertThat(epl.get("last_publish_status").asText()).isEqualTo("FAILED");
        assertThat(epl.get("last_problem").asText()).contains("paused by operator");
        assertThat(epl.get("latest").get("ledger_status").asText()).isEqualTo("FINALIZED");
    }

    @Test
    void oneMarketIsTheSameShapeAsInTheListing() {
        JsonNode one = http.json("/v1/markets/POLITICS_US_SENATE_2026");
        JsonNode fromList = http.json("/v1/markets").get("markets").get(2);
        assertThat(one).isEqualTo(fromList);
        assertThat(one.get("outcomes")).hasSize(3);
    }

    @Test
    void unknownMarketIs404AndMalformedIdIs400NamingTheRule() {
        TestHttp.Response unknown = http.get("/v1/markets/NOT_A_MARKET");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("content-type")).startsWith("application/json");
        assertThat(unknown.json().get("error").asText()).isEqualTo("NOT_FOUND");
        assertThat(unknown.json().get("message").asText()).isEqualTo("market NOT_A_MARKET is not registered");

        TestHttp.Response bad = http.get("/v1/markets/btc-usd");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).isEqualTo("INVALID_FORMAT");
        assertThat(bad.json().get("field").asText()).isEqualTo("market_id");
        assertThat(bad.json().get("message").asText()).contains("[A-Z][A-Z0-9_]{2,63}").contains("btc-usd");

        TestHttp.Response badLatest = http.get("/v1/markets/X/latest");
        assertThat(badLatest.status()).isEqualTo(400);
        assertThat(badLatest.json().get("message").asText()).contains("length 3..64");
    }

    @Test
    void latestCarriesTheDistributionAndTheProofContract() {
        TestHttp.Response r = http.get("/v1/markets/POLITICS_US_SENATE_2026/latest");
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        ServedValue v = fixture.oracle().latest(SENATE).orElseThrow();
        HexFormat hex = HexFormat.of();

        assertThat(body.get("market_id").asText()).isEqualTo(SENATE.value());
        assertThat(body.get("trace_id").isNull()).as("trace_id of an untraced value").isTrue();
        assertThat(body.get("epoch_id").asLong()).isEqualTo(v.item().epochId());
        assertThat(body.get("tick").asLong()).isEqualTo(v.item().tick());
        assertThat(body.get("window_start_ms").asLong()).isEqualTo(v.item().windowStartMs());
        assertThat(body.get("window_end_ms").asLong()).isEqualTo(v.item().windowEndMs());
        assertThat(body.get("ci_level_bps").asInt()).isEqualTo(9500);
        assertThat(body.get("risk_score").asInt()).isEqualTo(v.item().riskScoreBps());
        assertThat(body.get("quality_flags").toString()).isEqualTo("[\"STALE_SOURCE\"]");
        assertThat(body.get("model_id").asText()).isEqualTo("logpool-dirichlet");
        assertThat(body.get("model_version").asText()).isEqualTo("1.0.0");
        assertThat(body.get("produced_at_ms").asLong())
                .isEqualTo(BundleCodec.decodeHeader(v.headerBytes()).producedAtMs());
        assertThat(body.get("revealed_at_ms").asLong()).isEqualTo(v.revealedAtMs());
        assertThat(body.get("distribution")).hasSize(3);

        JsonNode proof = body.get("proof");
        assertThat(proof.get("header_hex").asText()).isEqualTo(hex.formatHex(v.headerBytes()));
        assertThat(proof.get("item_hex").asText()).isEqualTo(hex.formatHex(v.itemBytes()));
        assertThat(proof.get("leaf_index").asInt()).isEqualTo(1);
        assertThat(proof.get("leaf_count").asInt()).isEqualTo(4);
        assertThat(proof.get("path_hex")).hasSize(2);
        assertThat(proof.get("path_hex").get(0).asText()).isEqualTo(v.proof().path().get(0).toHex());
        assertThat(proof.get("bundle_hash_hex").asText()).isEqualTo(v.bundleHash().toHex());
        assertThat(proof.get("signer_set_id").asLong()).isEqualTo(7);
        assertThat(proof.get("sequence").asLong()).isEqualTo(1);
        assertThat(proof.get("threshold").asInt()).isEqualTo(2);
        assertThat(proof.get("signatures")).hasSize(2);
        assertThat(proof.get("signatures").get(0).get("public_key_hex").asText())
                .isEqualTo(v.signatures().get(0).key().toHex());
        assertThat(proof.get("signatures").get(0).get("signature_hex").asText())
                .isEqualTo(v.signatures().get(0).signatureHex());

        JsonNode ledger = body.get("ledger");
        assertThat(ledger.get("status").asText()).isEqualTo("FINALIZED");
        assertThat(ledger.get("commit_hash_hex").asText()).isEqualTo(v.commitHash().toHex());
        assertThat(ledger.get("commit_slot").asLong()).isEqualTo(v.commitSlot());
        assertThat(ledger.get("reveal_slot").asLong()).isEqualTo(v.revealSlot());
        assertThat(ledger.get("finalized_slot").asLong()).isEqualTo(v.finalizedSlot().getAsLong());

        JsonNode revealed = http.json("/v1/markets/CRYPTO_BTC_UP_1H/latest").get("ledger");
        assertThat(revealed.get("status").asText()).isEqualTo("REVEALED");
        assertThat(revealed.get("finalized_slot").isNull()).isTrue();
    }

    @Test
    void latestHasAnEtagNamingTheBundleAndStatus() {
        TestHttp.Response first = http.get("/v1/markets/POLITICS_US_SENATE_2026/latest");
        String etag = first.header("etag");
        ServedValue v = fixture.oracle().latest(SENATE).orElseThrow();
        assertThat(etag).isEqualTo("\"" + v.bundleHash().toHex() + "-finalized\"");
        TestHttp.Response again = http.get("/v1/markets/POLITICS_US_SENATE_2026/latest", etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(http.get("/v1/markets/POLITICS_US_SENATE_2026/latest", "\"other\"").status()).isEqualTo(200);
    }

    @Test
    void latestOfAMarketWithoutValueSaysSo() {
        TestHttp.Response r = http.get("/v1/markets/" + CPI.value() + "/latest");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("message").asText()).isEqualTo("market MACRO_US_CPI_ABOVE_3 has no served value yet");
        TestHttp.Response unknown = http.get("/v1/markets/NOPE_NOPE/latest");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("message").asText()).isEqualTo("market NOPE_NOPE is not registered");
    }

    @Test
    void bundleRecordWithBytesAndHistory() {
        ServedValue v = fixture.oracle().latest(SENATE).orElseThrow();
        JsonNode b = http.json("/v1/bundles/" + v.bundleHash().toHex());
        assertThat(b.get("bundle_hash_hex").asText()).isEqualTo(v.bundleHash().toHex());
        assertThat(b.get("signer_set_id").asLong()).isEqualTo(7);
        assertThat(b.get("sequence").asLong()).isEqualTo(1);
        assertThat(b.get("round_start_ms").asLong()).isEqualTo(OracleFixture.T0);
        assertThat(b.get("round_end_ms").asLong()).isEqualTo(OracleFixture.T0 + OracleFixture.ROUND_MS);
        assertThat(b.get("item_count").asInt()).isEqualTo(4);
        assertThat(b.get("status").asText()).isEqualTo("FINALIZED");
        List<String> statuses = new ArrayList<>();
        b.get("transitions").forEach(t -> statuses.add(t.get("status").asText()));
        assertThat(statuses).containsExactly("BUILT", "SIGNED", "COMMITTED", "REVEALED", "FINALIZED");
        assertThat(b.get("transitions").get(0).get("at_ms").asLong()).isPositive();
        assertThat(b.get("commit_hash_hex").asText()).isEqualTo(v.commitHash().toHex());
        assertThat(b.get("problem").isNull()).isTrue();
        byte[] bundleBytes = HexFormat.of().parseHex(b.get("bundle_hex").asText());
        assertThat(BundleCodec.decode(bundleBytes).bundleHash()).isEqualTo(v.bundleHash());
        SignedBundle signed = BundleCodec.decodeSigned(HexFormat.of().parseHex(b.get("signed_bundle_hex").asText()));
        assertThat(signed.verify(fixture.signerSet()).passed()).isTrue();
    }

    @Test
    void bundleErrors() {
        TestHttp.Response malformed = http.get("/v1/bundles/zz12");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("error").asText()).isEqualTo("INVALID_FORMAT");
        assertThat(malformed.json().get("message").asText()).contains("bundle_hash").contains("64 hex characters");
        TestHttp.Response notHex = http.get("/v1/bundles/" + "g".repeat(64));
        assertThat(notHex.status()).isEqualTo(400);
        assertThat(notHex.json().get("message").asText()).contains("must be hex");
        TestHttp.Response unknown = http.get("/v1/bundles/" + "ab".repeat(32));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("message").asText()).isEqualTo("bundle " + "ab".repeat(32) + " is not known");
    }

    @Test
    void signerSet() {
        JsonNode s = http.json("/v1/signer-sets/7");
        assertThat(s.get("signer_set_id").asLong()).isEqualTo(7);
        assertThat(s.get("threshold").asInt()).isEqualTo(2);
        assertThat(s.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(s.get("activation_ms").asLong()).isEqualTo(fixture.signerSet().activationMs());
        List<String> keys = new ArrayList<>();
        s.get("public_keys_hex").forEach(k -> keys.add(k.asText()));
        assertThat(keys).containsExactlyElementsOf(
                fixture.signerSet().keys().stream().map(k -> k.toHex()).toList());

        assertThat(http.get("/v1/signer-sets/8").status()).isEqualTo(404);
        TestHttp.Response bad = http.get("/v1/signer-sets/seven");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).contains("signer_set_id").contains("decimal u32");
        TestHttp.Response tooBig = http.get("/v1/signer-sets/4294967296");
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.json().get("error").asText()).isEqualTo("OUT_OF_RANGE");
    }

    @Test
    void unknownRouteAndPlainGetOfTheStreamAreJsonErrors() {
        TestHttp.Response r = http.get("/v2/everything");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).isEqualTo("NOT_FOUND");
        assertThat(r.json().get("message").asText()).contains("/v2/everything");
        TestHttp.Response stream = http.get("/v1/stream");
        assertThat(stream.status()).isEqualTo(426);
        assertThat(stream.json().get("error").asText()).isEqualTo("UPGRADE_REQUIRED");
    }

    @Test
    void openApiDocumentDescribesEveryRoute() throws Exception {
        TestHttp.Response r = http.get("/openapi.yaml");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("application/yaml");
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(r.body());
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        List<String> paths = new ArrayList<>();
        doc.get("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).contains("/v1/markets", "/v1/markets/{id}", "/v1/markets/{id}/latest",
                "/v1/bundles/{hash}", "/v1/signer-sets/{id}", "/v1/stream", "/openapi.yaml", "/");
        JsonNode proof = doc.at("/components/schemas/Proof/properties");
        for (String field : List.of("header_hex", "item_hex", "leaf_index", "leaf_count", "path_hex",
                "bundle_hash_hex", "signer_set_id", "sequence", "threshold", "signatures")) {
            assertThat(proof.has(field)).as("Proof schema documents %s", field).isTrue();
        }
    }

    @Test
    void dashboardIsServedAsSelfContainedHtml() {
        TestHttp.Response r = http.get("/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/html");
        assertThat(r.body()).contains("<table").contains("/v1/stream").contains("/v1/markets");
        assertThat(r.body()).doesNotContain("http://").doesNotContain("https://").doesNotContain("<link ")
                .doesNotContain("src=\"");
    }

    @Test
    void requestsAreCountedByRoutePatternAndStatus() {
        double before = Metrics.value(registry, "m0_api_requests", "route", "/v1/markets/{id}", "status", "404");
        http.get("/v1/markets/UNKNOWN_ONE");
        http.get("/v1/markets/UNKNOWN_TWO");
        assertThat(Metrics.value(registry, "m0_api_requests", "route", "/v1/markets/{id}", "status", "404"))
                .isEqualTo(before + 2);
        http.get("/v1/markets");
        assertThat(Metrics.value(registry, "m0_api_requests", "route", "/v1/markets", "status", "200"))
                .isGreaterThanOrEqualTo(1);
        assertThat(Metrics.value(registry, "m0_api_request_seconds", "route", "/v1/markets"))
                .isGreaterThanOrEqualTo(1);
    }
}
