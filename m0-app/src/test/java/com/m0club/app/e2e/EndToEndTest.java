package com.m0club.app.e2e;

import static com.m0club.app.e2e.DevNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.api.testing.TestHttp;
import com.m0club.api.verify.Check;
import com.m0club.api.verify.CheckResult;
import com.m0club.api.verify.OfflineVerifier;
import com.m0club.api.verify.VerificationReport;
import com.m0club.app.Main;
import com.m0club.app.node.OracleNode;
import com.m0club.chain.CommitRecord;
import com.m0club.chain.EpochRecord;
import com.m0club.chain.EpochStatus;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.MarketValue;
import com.m0club.chain.RevealedBundle;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.sign.SignedMessage;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.protocol.sign.SigningKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end: one {@link OracleNode} in the dev profile (embedded PostgreSQL, three signer
 * agents over loopback HTTP signing 2-of-3, the local ledger, simulator to quant, bundler, commit/reveal, finalize
 * crank, reconciler, API), shared by every check of this class. Values are fetched over real HTTP, verified offline
 * with the protocol's own code, and compared with what the ledger recorded; tampered values must fail verification
 * naming the check that catches them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final int MARKETS_TO_CHECK = 3;

    @TempDir
    static Path dataDir;

    private OracleNode node;
    private TestHttp http;
    private final OfflineVerifier verifier = new OfflineVerifier(HttpClient.newHttpClient(), Duration.ofSeconds(10));
    /** Markets with a finalized epoch on the ledger, with that epoch (the newest one finalized when first seen). */
    private Map<MarketId, Long> finalized;

    @BeforeAll
    void startAndWaitForFinalizedEpochs() throws Exception {
        node = DevNode.start(dataDir);
        http = new TestHttp(DevNode.api(node));
        finalized = DevNode.awaitValue("at least " + MARKETS_TO_CHECK + " markets with a FINALIZED epoch on the ledger",
                PATIENCE, () -> {
                    Map<MarketId, Long> byMarket = new LinkedHashMap<>();
                    for (LedgerEvent.EpochFinalized f : DevNode.events(node.ledger(),
                            LedgerEvent.EpochFinalized.class)) {
                        byMarket.put(f.market(), f.epochId());
                    }
                    return byMarket.size() >= MARKETS_TO_CHECK ? Optional.of(byMarket) : Optional.empty();
                });
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void finalizedEpochValuesAreServedVerifiedAndMatchTheLedger() throws Exception {
        JsonNode signerSet = http.json("/v1/signer-sets/" + node.signerSet().id());
        for (Map.Entry<MarketId, Long> e : finalized.entrySet().stream().limit(MARKETS_TO_CHECK).toList()) {
            MarketId market = e.getKey();
            long epochId = e.getValue();
            String path = "/v1/markets/" + market.value() + "/epochs/" + epochId;
            // The reconciler carries the finalization from the ledger to PostgreSQL shortly after it lands.
            JsonNode value = DevNode.awaitValue(path + " served as FINALIZED", PATIENCE, () -> {
                TestHttp.Response r = http.get(path);
                return r.status() == 200 && r.json().at("/ledger/status").asText().equals("FINALIZED")
                        ? Optional.of(r.json()) : Optional.empty();
            });

            VerificationReport report = verifier.verify(value, signerSet);
            assertThat(report.verified()).as(report.render()).isTrue();

            EpochRecord epoch = node.ledger().epoch(market, epochId).orElseThrow();
            assertThat(epoch.status()).isEqualTo(EpochStatus.FINALIZED);
            MarketValue canonical = epoch.canonical().orElseThrow();
            assertThat(value.get("market_id").asText()).isEqualTo(market.value());
            assertThat(value.get("epoch_id").asLong()).isEqualTo(epochId);
            assertThat(value.at("/proof/bundle_hash_hex").asText()).isEqualTo(canonical.bundleHash().toHex());
            assertThat(value.at("/proof/leaf_index").asInt()).isEqualTo(canonical.leafIndex());
            assertThat(value.at("/proof/sequence").asLong()).isEqualTo(canonical.sequence());
            assertThat(value.at("/proof/signer_set_id").asLong()).isEqualTo(canonical.signerSetId());
            assertThat(value.get("tick").asLong()).isEqualTo(canonical.tick());
            assertThat(value.at("/ledger/finalized_slot").asLong()).isEqualTo(epoch.finalizedSlot().getAsLong());
            assertThat(BundleCodec.decodeItem(HEX.parseHex(value.at("/proof/item_hex").asText())))
                    .isEqualTo(canonical.item());
            assertMatchesRevealedBundle(value);
        }
    }

    @Test
    void latestValuesAreServedVerifiedAndMatchTheLedger() throws Exception {
        JsonNode signerSet = http.json("/v1/signer-sets/" + node.signerSet().id());
        for (MarketId market : finalized.keySet().stream().limit(MARKETS_TO_CHECK).toList()) {
            String path = "/v1/markets/" + market.value() + "/latest";
            // The ledger moves on every publish round and the API follows within a reconciler pass: wait for a
            // moment where what is served is exactly the ledger's latest value of the market.
            record Pair(JsonNode served, MarketValue onLedger) {}
            Pair pair = DevNode.awaitValue(path + " equal to the ledger's latest", PATIENCE, () -> {
                JsonNode served = http.json(path);
                MarketValue onLedger = node.ledger().latest(market).orElseThrow();
                return served.at("/proof/bundle_hash_hex").asText().equals(onLedger.bundleHash().toHex())
                        ? Optional.of(new Pair(served, onLedger)) : Optional.empty();
            });
            JsonNode latest = pair.served();
            MarketValue onLedger = pair.onLedger();
            VerificationReport report = verifier.verify(latest, signerSet);
            assertThat(report.verified()).as(report.render()).isTrue();

            assertThat(latest.at("/proof/leaf_index").asInt()).isEqualTo(onLedger.leafIndex());
            assertThat(latest.at("/proof/sequence").asLong()).isEqualTo(onLedger.sequence());
            assertThat(latest.get("epoch_id").asLong()).isEqualTo(onLedger.epochId());
            assertThat(latest.get("tick").asLong()).isEqualTo(onLedger.tick());
            assertThat(latest.get("revealed_at_ms").asLong()).isEqualTo(onLedger.timeMs());
            assertThat(BundleCodec.decodeItem(HEX.parseHex(latest.at("/proof/item_hex").asText())))
                    .isEqualTo(onLedger.item());
            assertMatchesRevealedBundle(latest);
        }
    }

    @Test
    void signerSetEndpointServesTheDevSet() {
        JsonNode set = http.json("/v1/signer-sets/" + node.signerSet().id());
        assertThat(set.get("threshold").asInt()).isEqualTo(2);
        assertThat(set.get("status").asText()).isEqualTo("ACTIVE");
        List<String> keys = new ArrayList<>();
        set.get("public_keys_hex").forEach(k -> keys.add(k.asText()));
        assertThat(keys).hasSize(3)
                .containsExactlyElementsOf(node.signerKeys().stream().map(SignerKey::toHex).toList());
        assertThat(node.ledger().signerSet(node.signerSet().id())).contains(node.signerSet());
    }

    @Test
    void tamperedValuesFailVerificationNamingTheCheck() {
        // A value from a bundle of several items, so that its merkle path has elements to tamper with.
        JsonNode latest = finalized.keySet().stream()
                .map(m -> http.json("/v1/markets/" + m.value() + "/latest"))
                .filter(v -> v.at("/proof/leaf_count").asInt() >= 2).findFirst()
                .orElseThrow(() -> new AssertionError("no market's latest value is in a bundle of several items"));
        MarketId market = MarketId.of(latest.get("market_id").asText());
        JsonNode signerSet = http.json("/v1/signer-sets/" + node.signerSet().id());
        assertThat(verifier.verify(latest, signerSet).verified()).isTrue();

        // 1. One byte of the item changed: the first character of the market id, still a valid id.
        ObjectNode tamperedItem = latest.deepCopy();
        byte[] item = HEX.parseHex(latest.at("/proof/item_hex").asText());
        assertThat(item[4]).as("first market id character").isBetween((byte) 'A', (byte) 'Y');
        item[4]++;
        ((ObjectNode) tamperedItem.get("proof")).put("item_hex", HEX.formatHex(item));
        VerificationReport itemReport = verifier.verify(tamperedItem, signerSet);
        assertThat(itemReport.verified()).isFalse();
        assertThat(failed(itemReport)).containsExactlyInAnyOrder(Check.ITEM, Check.INCLUSION);
        assertThat(reason(itemReport, Check.ITEM)).contains("market_id is served as " + market.value());
        assertThat(reason(itemReport, Check.INCLUSION)).contains("merkle path does not lead to bundle_hash");
        assertThat(itemReport.render()).contains("FAIL inclusion").contains("verdict: FAILED");

        // 2. One element of the merkle path changed.
        ObjectNode wrongPath = latest.deepCopy();
        ArrayNode path = (ArrayNode) wrongPath.at("/proof/path_hex");
        assertThat(path).as("a leaf of a bundle of several items has a non-empty path").isNotEmpty();
        byte[] sibling = HEX.parseHex(path.get(0).asText());
        sibling[0] ^= 0x01;
        path.set(0, HEX.formatHex(sibling));
        VerificationReport pathReport = verifier.verify(wrongPath, signerSet);
        assertThat(pathReport.verified()).isFalse();
        assertThat(failed(pathReport)).containsExactly(Check.INCLUSION);

        // 3. One of the members' signatures replaced by a valid signature of the same message by an outsider.
        ObjectNode outsiderSigned = latest.deepCopy();
        ArrayNode signatures = (ArrayNode) outsiderSigned.at("/proof/signatures");
        int threshold = signerSet.get("threshold").asInt();
        assertThat(signatures.size()).isGreaterThanOrEqualTo(threshold);
        while (signatures.size() > threshold) {
            signatures.remove(signatures.size() - 1); // keep exactly m, so that one fewer is below the threshold
        }
        SigningKey outsider = SigningKey.generate(new SecureRandom());
        Hash32 message = SignedMessage.digest(latest.at("/proof/signer_set_id").asLong(),
                latest.at("/proof/sequence").asLong(),
                Hash32.fromHex("bundle_hash", latest.at("/proof/bundle_hash_hex").asText()));
        ObjectNode forged = (ObjectNode) signatures.get(0);
        forged.put("public_key_hex", outsider.publicKey().toHex());
        forged.put("signature_hex", HEX.formatHex(outsider.sign(message)));
        assertThat(SignerSignature.of(outsider.publicKey(), outsider.sign(message)).verifies(message)).isTrue();
        VerificationReport sigReport = verifier.verify(outsiderSigned, signerSet);
        assertThat(sigReport.verified()).isFalse();
        assertThat(failed(sigReport)).containsExactly(Check.SIGNATURES);
        assertThat(reason(sigReport, Check.SIGNATURES)).contains("not enough signatures")
                .contains("not in signer set " + node.signerSet().id());
    }

    @Test
    void streamPushesRevealedValues() throws Exception {
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        URI ws = URI.create("ws://127.0.0.1:" + node.apiPort() + "/v1/stream");
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(ws, new CollectingListener(received)).get(30, TimeUnit.SECONDS);
        try {
            JsonNode value = DevNode.awaitValue("a value message on /v1/stream", PATIENCE, () -> {
                JsonNode next = received.poll();
                return next != null && next.path("type").asText().equals("value") ? Optional.of(next)
                        : Optional.empty();
            });
            MarketId market = MarketId.of(value.get("market_id").asText());
            assertThat(node.ledger().market(market)).isPresent();
            assertThat(value.get("ledger_status").asText()).isIn("REVEALED", "FINALIZED");
            assertThat(value.get("distribution")).isNotEmpty();
            Optional<RevealedBundle> bundle = node.ledger().revealedBundle(
                    Hash32.fromHex("bundle_hash", value.get("bundle_hash_hex").asText()));
            assertThat(bundle).as("the pushed value's bundle is revealed on the ledger").isPresent();
            assertThat(bundle.get().receipt().sequence()).isEqualTo(value.get("sequence").asLong());
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void verifyCommandVerifiesAServedValue() {
        MarketId market = finalized.keySet().iterator().next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of("verify", "--url", DevNode.api(node).toString(), "--market", market.value()),
                Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("verify " + market.value()).contains("PASS inclusion")
                .contains("PASS signatures").contains("verdict: VERIFIED");
    }

    /**
     * What the API served is exactly what the ledger's reveal carried: the same item bytes at the served leaf, the
     * same header and signatures, the same commitment and slots.
     */
    private void assertMatchesRevealedBundle(JsonNode value) {
        Hash32 bundleHash = Hash32.fromHex("bundle_hash", value.at("/proof/bundle_hash_hex").asText());
        RevealedBundle revealed = node.ledger().revealedBundle(bundleHash).orElseThrow(
                () -> new AssertionError("bundle " + bundleHash.toHex() + " is not revealed on the ledger"));
        SignedBundle signed = BundleCodec.decodeSigned(revealed.signedBundleBytes());
        EncodedBundle bundle = signed.bundle();
        int leaf = value.at("/proof/leaf_index").asInt();
        assertThat(bundle.bundleHash()).isEqualTo(bundleHash);
        assertThat(value.at("/proof/item_hex").asText()).isEqualTo(HEX.formatHex(bundle.itemBytes(leaf)));
        assertThat(value.at("/proof/header_hex").asText()).isEqualTo(HEX.formatHex(bundle.headerBytes()));
        assertThat(value.at("/proof/leaf_count").asInt()).isEqualTo(bundle.itemCount());
        assertThat(value.at("/proof/sequence").asLong()).isEqualTo(revealed.receipt().sequence())
                .isEqualTo(bundle.header().sequence());
        List<String> servedSignatures = new ArrayList<>();
        value.at("/proof/signatures").forEach(s -> servedSignatures.add(s.get("public_key_hex").asText() + ":"
                + s.get("signature_hex").asText()));
        assertThat(servedSignatures).containsExactlyElementsOf(signed.signatures().stream()
                .map(s -> s.key().toHex() + ":" + s.signatureHex()).toList());
        assertThat(value.at("/ledger/commit_hash_hex").asText()).isEqualTo(revealed.receipt().commitHash().toHex());
        assertThat(value.at("/ledger/reveal_slot").asLong()).isEqualTo(revealed.receipt().slot());
        CommitRecord commitment = node.ledger().commitment(revealed.receipt().commitHash()).orElseThrow();
        assertThat(commitment.isRevealed()).isTrue();
        assertThat(value.at("/ledger/commit_slot").asLong()).isEqualTo(commitment.commit().slot());
        assertThat(revealed.receipt().items()).anySatisfy(i -> {
            assertThat(i.market().value()).isEqualTo(value.get("market_id").asText());
            assertThat(i.leafIndex()).isEqualTo(leaf);
            assertThat(i.epochId()).isEqualTo(value.get("epoch_id").asLong());
            assertThat(i.tick()).isEqualTo(value.get("tick").asLong());
        });
    }

    private static List<Check> failed(VerificationReport report) {
        return report.failures().stream().map(CheckResult::check).toList();
    }

    private static String reason(VerificationReport report, Check check) {
        return report.failures().stream().filter(f -> f.check() == check).findFirst()
                .map(CheckResult.Failed::reason).orElseThrow(() -> new AssertionError(check + " did not fail:\n"
                        + report.render()));
    }

    /** Collects every text message of the stream (reassembled from fragments) as JSON. */
    private static final class CollectingListener implements WebSocket.Listener {
        private final BlockingQueue<JsonNode> received;
        private final StringBuilder partial = new StringBuilder();

        CollectingListener(BlockingQueue<JsonNode> received) {
            this.received = received;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    received.add(MAPPER.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException("the stream sent a message that is not JSON: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
