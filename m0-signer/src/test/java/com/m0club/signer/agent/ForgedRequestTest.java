package com.m0club.signer.agent;

import static com.m0club.signer.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.signer.BearerToken;
import com.m0club.signer.Fixtures;
import com.m0club.signer.TestPki;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.signer.RefusalReason;
import com.m0club.signer.SignerWire;
import com.m0club.signer.keystore.KeyStoreFile;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forged-request suite (issue 6, item 1), against a real agent over HTTP: a local process without the token, or
 * with made-up windows, times or sequences, gets no signature.
 */
class ForgedRequestTest {
    private static final BearerToken TOKEN = BearerToken.of("forged-suite-token-0123456789");
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(NOW);
    private final HttpClient http = TestPki.http();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private SignerAgentMetrics metrics;
    private SignerAgent agent;
    private SignerAgentServer server;

    @BeforeEach
    void start() {
        SigningKey key = Fixtures.key(0);
        metrics = new SignerAgentMetrics(registry);
        agent = SignerAgent.builder().key(key).signerSet(Fixtures.set(2, Fixtures.keys(3)))
                .markets(Fixtures.directory()).clock(clock).stateDir(dir.resolve("state"))
                .keyFile(dir.resolve("agent-0.key")).maxClockSkewMs(2_000).maxSequenceGap(1000).build();
        server = SignerAgentServer.builder(agent).metrics(metrics).tls(TestPki.agent()).bearerToken(TOKEN).build()
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
        agent.close();
        http.shutdownNow();
    }

    private HttpResponse<String> post(EncodedBundle bundle, Optional<String> authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.endpoint() + SignerWire.SIGN_PATH))
                .header("Content-Type", SignerWire.BUNDLE_CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bundle.bytes()));
        authorization.ifPresent(a -> b.header("Authorization", a));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(EncodedBundle bundle) throws Exception {
        return post(bundle, Optional.of(TOKEN.authorizationHeader()));
    }

    private static String error(HttpResponse<String> r) throws Exception {
        JsonNode json = SignerWire.JSON.readTree(r.body());
        assertThat(json.has(SignerWire.SIGNATURE_HEX)).as("no signature in a refusal").isFalse();
        return json.path(SignerWire.ERROR).asText();
    }

    @Test
    void noTokenOrAWrongTokenGets401AndNoSignature() throws Exception {
        EncodedBundle bundle = Fixtures.bundle(1, NOW);
        HttpResponse<String> none = post(bundle, Optional.empty());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(error(none)).isEqualTo(SignerWire.UNAUTHORIZED);
        HttpResponse<String> wrong = post(bundle, Optional.of("Bearer forged-suite-token-0123456788"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(error(wrong)).isEqualTo(SignerWire.UNAUTHORIZED);
        assertThat(agent.guard().highWaterMark(Fixtures.SET_ID)).as("nothing journaled").isZero();
        assertThat(metrics.requests(SignerAgentMetrics.UNAUTHORIZED)).isEqualTo(2);
        assertThat(post(bundle).statusCode()).isEqualTo(200);
    }

    @Test
    void aServerWithoutATokenCannotBeBuilt() {
        assertThatThrownBy(() -> SignerAgentServer.builder(agent).metrics(metrics).tls(TestPki.agent()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bearer token is required");
    }

    @Test
    void itemsForAFarFutureEpochOrFor1970AreRefused() throws Exception {
        EncodedBundle future = Fixtures.bundle(Fixtures.SET_ID, 1, NOW,
                List.of(Fixtures.item(Fixtures.SPORTS, Fixtures.HOURLY_5S, NOW + 69 * DAY, List.of("AWAY", "HOME"))));
        HttpResponse<String> r = post(future);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(error(r)).isEqualTo(RefusalReason.EPOCH_NOT_CURRENT.name());

        EncodedBundle epoch1 = Fixtures.bundle(Fixtures.SET_ID, 1, NOW,
                List.of(Fixtures.item(Fixtures.SPORTS, Fixtures.HOURLY_5S, 3_600_000 + 1, List.of("AWAY", "HOME"))));
        HttpResponse<String> old = post(epoch1);
        assertThat(old.statusCode()).isEqualTo(422);
        assertThat(error(old)).isEqualTo(RefusalReason.EPOCH_NOT_CURRENT.name());
        assertThat(metrics.refusals(RefusalReason.EPOCH_NOT_CURRENT)).isEqualTo(2);
        assertThat(agent.guard().highWaterMark(Fixtures.SET_ID)).isZero();
    }

    @Test
    void aProductionTimeOutsideTheAgentsSkewIsRefused() throws Exception {
        // 4 s ahead: inside the market's 15 s, outside this agent's own 2 s
        EncodedBundle ahead = Fixtures.bundle(Fixtures.SET_ID, 1, NOW + 4_000,
                List.of(Fixtures.sportsItem(NOW + 4_000)));
        HttpResponse<String> r = post(ahead);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(error(r)).isEqualTo(RefusalReason.PRODUCED_AT_OUTSIDE_SKEW.name());
        assertThat(metrics.refusals(RefusalReason.PRODUCED_AT_OUTSIDE_SKEW)).isEqualTo(1);
        assertThat(post(Fixtures.bundle(Fixtures.SET_ID, 1, NOW + 1_500,
                List.of(Fixtures.sportsItem(NOW + 1_500)))).statusCode()).isEqualTo(200);
    }

    @Test
    void aSequenceJumpAboveTheGapIsRefusedAndDoesNotMoveTheMark() throws Exception {
        assertThat(post(Fixtures.bundle(1, NOW)).statusCode()).isEqualTo(200);
        HttpResponse<String> jump = post(Fixtures.bundle(1 + 1001, NOW));
        assertThat(jump.statusCode()).isEqualTo(409);
        assertThat(error(jump)).isEqualTo(RefusalReason.SEQUENCE_GAP_TOO_LARGE.name());
        HttpResponse<String> max = post(Fixtures.bundle(Long.MAX_VALUE, NOW));
        assertThat(error(max)).isEqualTo(RefusalReason.SEQUENCE_GAP_TOO_LARGE.name());
        assertThat(agent.guard().highWaterMark(Fixtures.SET_ID)).isEqualTo(1);
        assertThat(metrics.refusals(RefusalReason.SEQUENCE_GAP_TOO_LARGE)).isEqualTo(2);
        assertThat(post(Fixtures.bundle(2, NOW)).statusCode()).as("the real next round still signs").isEqualTo(200);
    }

    // ------------------------------------------------------------------ the standalone agent

    private Map<String, String> standaloneEnv() throws Exception {
        Path keyFile = dir.resolve("solo/agent.key");
        SigningKey own = KeyStoreFile.loadOrGenerate(keyFile);
        Path config = dir.resolve("solo/signer.json");
        Files.writeString(config, """
                {"signer_set": {"id": 7, "threshold": 2, "keys": ["%s", "%s", "%s"]},
                 "markets": [{"id": "SPORTS_LAL_BOS", "domain": "SPORTS", "tier": "NORMAL",
                              "outcomes": ["AWAY", "HOME"], "status": "ACTIVE"}]}
                """.formatted(own.publicKey().toHex(), Fixtures.key(1).publicKey().toHex(),
                Fixtures.key(2).publicKey().toHex()));
        Map<String, String> env = new HashMap<>();
        env.put(SignerAgentMain.KEY_FILE, keyFile.toString());
        env.put(SignerAgentMain.STATE_DIR, dir.resolve("solo/state").toString());
        env.put(SignerAgentMain.SET_ID, "7");
        env.put(SignerAgentMain.CONFIG, config.toString());
        env.put(SignerAgentMain.PORT, "0");
        soloTls = TestPki.standaloneTls(dir.resolve("solo/tls"), env);
        return env;
    }

    private com.m0club.signer.tls.ClientTls soloTls;

    @Test
    void theStandaloneAgentRefusesToStartWithoutACredentialOutsideDev() throws Exception {
        Map<String, String> env = standaloneEnv();
        for (String profile : List.of("", "prod", "staging")) {
            Map<String, String> e = new HashMap<>(env);
            if (!profile.isEmpty()) {
                e.put(SignerAgentMain.ENV, profile);
            }
            assertThatThrownBy(() -> SignerAgentMain.start(e, clock, new PrometheusRegistry()))
                    .as("profile '%s'", profile)
                    .isInstanceOf(AgentConfigException.class)
                    .hasMessageContaining(SignerAgentMain.AUTH_TOKEN_FILE).hasMessageContaining("required");
        }
    }

    @Test
    void theStandaloneAgentBindsLoopbackByDefaultAndDevGeneratesAnOwnerOnlyToken() throws Exception {
        Map<String, String> env = standaloneEnv();
        env.put(SignerAgentMain.ENV, "dev");
        try (SignerAgentMain.Running running = SignerAgentMain.start(env, clock, new PrometheusRegistry())) {
            assertThat(running.server().toString()).contains(", 127.0.0.1:");
            Path tokenFile = dir.resolve("solo/state").resolve(SignerAgentMain.DEV_TOKEN_FILE);
            assertThat(Files.getPosixFilePermissions(tokenFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            HttpClient http = TestPki.http(soloTls);
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(
                    URI.create(running.server().endpoint() + SignerWire.KEY_PATH)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(
                    URI.create(running.server().endpoint() + SignerWire.KEY_PATH))
                    .header("Authorization", BearerToken.fromFile(tokenFile).authorizationHeader()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(withToken.statusCode()).isEqualTo(200);
        }
    }
}
