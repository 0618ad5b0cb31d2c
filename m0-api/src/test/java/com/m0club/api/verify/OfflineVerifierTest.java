package com.m0club.api.verify;

import static com.m0club.api.testing.OracleFixture.BTC;
import static com.m0club.api.testing.OracleFixture.CPI;
import static com.m0club.api.testing.OracleFixture.SENATE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.m0club.api.rest.ApiServer;
import com.m0club.api.testing.OracleFixture;
import com.m0club.api.testing.TestHttp;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.sign.SignedMessage;
import com.m0club.protocol.sign.SigningKey;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The offline verifier against values served over real HTTP from real signed bundles, then against the same
 * documents with one thing tampered: each failure must be reported by the right check, in precise words.
 */
class OfflineVerifierTest {
    private static final HexFormat HEX = HexFormat.of();

    private static OracleFixture fixture;
    private static ApiServer server;
    private static TestHttp http;
    private static OfflineVerifier verifier;

    @BeforeAll
    static void start() {
        fixture = OracleFixture.seeded();
        server = ApiServer.builder().host("127.0.0.1").port(0).readModel(fixture.oracle()).feed(fixture.oracle())
                .registry(new PrometheusRegistry()).clock(Clock.systemUTC()).build().start();
        http = new TestHttp(server.baseUri());
        verifier = new OfflineVerifier(HttpClient.newHttpClient(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void passesOnServedValues() {
        for (MarketId market : List.of(SENATE, BTC, OracleFixture.NBA, OracleFixture.EPL)) {
            VerificationReport report = verifier.verify(server.baseUri(), market);
            assertThat(report.verified()).as(report.render()).isTrue();
            assertThat(report.checks()).extracting(CheckResult::check).containsExactly(Check.ITEM, Check.HEADER,
                    Check.INCLUSION, Check.SIGNATURES, Check.THRESHOLD);
        }
        VerificationReport senate = verifier.verify(server.baseUri(), SENATE);
        assertThat(senate.render()).contains("PASS inclusion: leaf 1 of 4 leads to bundle_hash")
                .contains("PASS signatures: 2 valid signatures from distinct keys of signer set 7 (threshold 2 of 3)")
                .contains("note: the API says the ledger holds this value as FINALIZED")
                .endsWith("verdict: VERIFIED (5 checks passed)\n");
    }

    @Test
    void aTamperedItemByteFailsTheItemAndInclusionChecks() {
        JsonNode latest = latest(SENATE);
        byte[] dem = "DEM".getBytes(StandardCharsets.US_ASCII);
        editHex(proof(latest), "item_hex", item -> item[indexOf(item, dem) + 3]++);

        VerificationReport report = verify(latest);
        assertThat(report.verdict()).isEqualTo(VerificationReport.Verdict.FAILED);
        assertThat(failure(report, Check.ITEM)).isEqualTo("item_hex does not decode strictly: item.outcomes: "
                + "probabilities must sum to exactly S=1000000000, got 1000000001 (at byte 0) [BAD_SUM]");
        assertThat(failure(report, Check.INCLUSION)).startsWith("merkle path does not lead to bundle_hash "
                + bundleHashPrefix(latest) + "..: leaf 1 of 4");
        assertThat(report.result(Check.HEADER).orElseThrow().passed()).isTrue();
        assertThat(report.result(Check.SIGNATURES).orElseThrow().passed()).isTrue();
        assertThat(report.render()).contains("verdict: FAILED (2 of 5 checks failed)");
    }

    @Test
    void aTamperedItemThatStillDecodesNamesTheField() {
        JsonNode latest = latest(SENATE);
        int tick = 2 + 2 + SENATE.value().length() + 8;
        editHex(proof(latest), "item_hex", item -> item[tick] ^= 0x05);

        VerificationReport report = verify(latest);
        long served = latest.get("tick").asLong();
        assertThat(failure(report, Check.ITEM)).isEqualTo("the served value does not match item_hex: tick is "
                + "served as " + served + " but item_hex says " + (served ^ 0x05));
        assertThat(report.result(Check.INCLUSION).orElseThrow().passed()).isFalse();
    }

    @Test
    void aServedNumberThatDisagreesWithTheSignedItemFails() {
        JsonNode latest = latest(SENATE);
        ObjectNode gop = (ObjectNode) latest.get("distribution").get(1);
        gop.put("p_decimal", "0.600000000");
        VerificationReport report = verify(latest);
        assertThat(failure(report, Check.ITEM)).isEqualTo("the served value does not match item_hex: "
                + "distribution[1].p_decimal is served as 0.600000000 but item_hex says 0.570000000");
        assertThat(report.result(Check.INCLUSION).orElseThrow().passed()).isTrue();
    }

    @Test
    void aChangedPathElementFailsInclusion() {
        JsonNode latest = latest(SENATE);
        ArrayNode path = (ArrayNode) latest.at("/proof/path_hex");
        String first = path.get(0).asText();
        path.set(0, TextNode.valueOf(
                (first.charAt(0) == '0' ? "1" : "0") + first.substring(1)));

        VerificationReport report = verify(latest);
        assertThat(failure(report, Check.INCLUSION)).startsWith("merkle path does not lead to bundle_hash "
                + bundleHashPrefix(latest) + "..: leaf 1 of 4 (the path leads to ");
        assertThat(report.failures()).hasSize(1);
    }

    @Test
    void aChangedLeafIndexFailsInclusion() {
        JsonNode latest = latest(SENATE);
        proof(latest).put("leaf_index", 0);
        VerificationReport report = verify(latest);
        assertThat(failure(report, Check.INCLUSION)).startsWith("merkle path does not lead to bundle_hash "
                + bundleHashPrefix(latest) + "..: leaf 0 of 4");

        proof(latest).put("leaf_index", 9);
        VerificationReport outOfRange = verify(latest);
        assertThat(failure(outOfRange, Check.INCLUSION))
                .isEqualTo("the merkle proof is malformed: leaf_index: must be in 0..3, got 9 [INVALID_PROOF]");
    }

    @Test
    void anOutsiderSignatureDoesNotCountAndIsReportedAsIgnored() {
        JsonNode latest = latest(SENATE);
        SigningKey outsider = fixture.outsider();
        ArrayNode sigs = (ArrayNode) latest.at("/proof/signatures");
        sigs.set(1, signedBy(outsider, latest, sigs.objectNode()));

        VerificationReport report = verify(latest);
        assertThat(report.verified()).isFalse();
        assertThat(failure(report, Check.SIGNATURES)).isEqualTo("not enough signatures: 1 valid signatures from keys "
                + "of set 7, threshold is 2 (0 invalid, 1 from keys outside the set ignored); signature by key "
                + outsider.publicKey().toHex().substring(0, 16) + ".. ignored: not in signer set 7");
        assertThat(report.failures()).hasSize(1);
    }

    @Test
    void anExtraOutsiderSignatureIsIgnoredWhenTheQuorumHolds() {
        JsonNode latest = latest(SENATE);
        signedBy(fixture.outsider(), latest, ((ArrayNode) latest.at("/proof/signatures")).addObject());

        VerificationReport report = verify(latest);
        assertThat(report.verified()).as(report.render()).isTrue();
        assertThat(report.result(Check.SIGNATURES).orElseThrow().line()).contains("2 valid signatures")
                .contains("ignored: not in signer set 7");
    }

    @Test
    void aCorruptedMemberSignatureIsCountedInvalid() {
        JsonNode latest = latest(SENATE);
        editHex((ObjectNode) latest.at("/proof/signatures").get(0), "signature_hex", sig -> sig[10] ^= 1);
        VerificationReport report = verify(latest);
        assertThat(failure(report, Check.SIGNATURES)).isEqualTo("not enough signatures: 1 valid signatures from "
                + "keys of set 7, threshold is 2 (1 invalid, 0 from keys outside the set ignored)");
    }

    @Test
    void aThresholdBelowTheSetsFails() {
        JsonNode latest = latest(SENATE);
        proof(latest).put("threshold", 1);
        VerificationReport report = verify(latest);
        assertThat(failure(report, Check.THRESHOLD))
                .isEqualTo("the proof claims threshold 1 but signer set 7 requires 2");
        assertThat(report.result(Check.SIGNATURES).orElseThrow().passed()).isTrue();
        assertThat(report.failures()).hasSize(1);
    }

    @Test
    void aProofThatDisagreesWithItsHeaderFails() {
        JsonNode latest = latest(SENATE);
        proof(latest).put("sequence", 5);
        VerificationReport report = verify(latest);
        assertThat(failure(report, Check.HEADER))
                .isEqualTo("the proof does not match header_hex: proof.sequence is served as 5 but header_hex says 1");
    }

    @Test
    void aMissingFieldIsNamed() {
        JsonNode latest = latest(SENATE);
        proof(latest).remove("path_hex");
        VerificationReport report = verify(latest);
        assertThat(failure(report, Check.INCLUSION)).isEqualTo("proof.path_hex is missing");
    }

    @Test
    void aMarketWithoutValueCannotBeFetched() {
        VerificationReport report = verifier.verify(server.baseUri(), CPI);
        assertThat(report.checks()).hasSize(1);
        assertThat(failure(report, Check.FETCH)).isEqualTo("GET " + server.baseUri()
                + "/v1/markets/MACRO_US_CPI_ABOVE_3/latest returned 404 (NOT_FOUND: market MACRO_US_CPI_ABOVE_3 has "
                + "no served value yet)");
        assertThat(report.verified()).isFalse();
    }

    private static VerificationReport verify(JsonNode latest) {
        return verifier.verify(latest, signerSet());
    }

    /** Decodes the hex field of {@code node}, lets {@code edit} tamper with the bytes, and writes them back. */
    private static void editHex(ObjectNode node, String field, Consumer<byte[]> edit) {
        byte[] bytes = HEX.parseHex(node.get(field).asText());
        edit.accept(bytes);
        node.put(field, HEX.formatHex(bytes));
    }

    /** Fills {@code sig} with {@code key}'s valid signature over the value's signed message. */
    private static ObjectNode signedBy(SigningKey key, JsonNode latest, ObjectNode sig) {
        sig.put("public_key_hex", key.publicKey().toHex());
        sig.put("signature_hex", HEX.formatHex(key.sign(digest(latest))));
        return sig;
    }

    private static JsonNode latest(MarketId market) {
        return http.json("/v1/markets/" + market.value() + "/latest");
    }

    private static JsonNode signerSet() {
        return http.json("/v1/signer-sets/7");
    }

    private static ObjectNode proof(JsonNode latest) {
        return (ObjectNode) latest.get("proof");
    }

    private static Hash32 digest(JsonNode latest) {
        return SignedMessage.digest(7, latest.at("/proof/sequence").asLong(),
                Hash32.fromHex("bundle_hash", latest.at("/proof/bundle_hash_hex").asText()));
    }

    private static String bundleHashPrefix(JsonNode latest) {
        return latest.at("/proof/bundle_hash_hex").asText().substring(0, 16);
    }

    private static String failure(VerificationReport report, Check check) {
        CheckResult r = report.result(check).orElseThrow(() -> new AssertionError("no " + check + " result in "
                + report.render()));
        assertThat(r).as(report.render()).isInstanceOf(CheckResult.Failed.class);
        return ((CheckResult.Failed) r).reason();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
