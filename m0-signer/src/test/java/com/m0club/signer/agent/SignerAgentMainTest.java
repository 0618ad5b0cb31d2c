package com.m0club.signer.agent;

import static com.m0club.signer.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.sign.SigningKey;
import com.m0club.signer.Fixtures;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.signer.SignerWire;
import com.m0club.signer.TestPki;
import com.m0club.signer.tls.ClientTls;
import com.m0club.signer.keystore.KeyFileException;
import com.m0club.signer.keystore.KeyStoreFile;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignerAgentMainTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(NOW);
    private Path keyFile;
    private Path config;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        keyFile = dir.resolve("keys/agent-0.key");
        SigningKey own = KeyStoreFile.loadOrGenerate(keyFile);
        List<String> keys = List.of(own.publicKey().toHex(), Fixtures.key(1).publicKey().toHex(),
                Fixtures.key(2).publicKey().toHex());
        config = dir.resolve("signer.json");
        Files.writeString(config, """
                {
                  "signer_set": {"id": 7, "threshold": 2, "keys": ["%s", "%s", "%s"]},
                  "markets": [
                    {"id": "SPORTS_LAL_BOS", "domain": "SPORTS", "tier": "NORMAL", "outcomes": ["HOME", "AWAY"],
                     "status": "ACTIVE"},
                    {"id": "CRYPTO_BTC_UP", "domain": "CRYPTO", "tier": "FAST", "outcomes": ["UP", "DOWN"],
                     "status": "ACTIVE", "epoch_window_ms": 60000, "publish_cadence_ms": 1000,
                     "timing": {"max_commit_staleness_ms": 300000, "max_clock_skew_ms": 5000}}
                  ]
                }
                """.formatted(keys.get(0), keys.get(1), keys.get(2)));
        env.put(SignerAgentMain.KEY_FILE, keyFile.toString());
        env.put(SignerAgentMain.STATE_DIR, dir.resolve("state").toString());
        env.put(SignerAgentMain.SET_ID, "7");
        env.put(SignerAgentMain.CONFIG, config.toString());
        env.put(SignerAgentMain.PORT, "0");
        env.put(SignerAgentMain.HOST, "127.0.0.1");
        tokenFile = dir.resolve("agent.token");
        Files.writeString(tokenFile, TOKEN.authorizationHeader().substring("Bearer ".length()) + "\n");
        env.put(SignerAgentMain.AUTH_TOKEN_FILE, tokenFile.toString());
        clientTls = TestPki.standaloneTls(dir.resolve("tls"), env);
    }

    private ClientTls clientTls;

    static final com.m0club.signer.BearerToken TOKEN = com.m0club.signer.BearerToken.of("main-test-token-0123456789");
    private Path tokenFile;

    @Test
    void startsFromEnvironmentServesTheSignApiOverMutualTlsAndProbesAndMetricsOnTheAdminPortOnly() throws Exception {
        try (SignerAgentMain.Running running = SignerAgentMain.start(env, clock, new PrometheusRegistry());
                HttpClient http = TestPki.http(clientTls);
                HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI base = running.server().endpoint();
            assertThat(base.getScheme()).isEqualTo("https");
            HttpResponse<String> key = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/key"))
                            .header("Authorization", TOKEN.authorizationHeader()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(key.statusCode()).isEqualTo(200);
            assertThat(key.body()).contains(running.agent().publicKey().toHex());

            HttpResponse<String> sign = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sign"))
                            .header("Content-Type", SignerWire.BUNDLE_CONTENT_TYPE)
                            .header("Authorization", TOKEN.authorizationHeader())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bundle(1, NOW).bytes())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(sign.statusCode()).as(sign.body()).isEqualTo(200);

            URI admin = URI.create("http://127.0.0.1:" + running.admin().port());
            HttpResponse<String> metrics = plain.send(HttpRequest.newBuilder(URI.create(admin + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("m0_signer_requests_total{result=\"signed\"} 1")
                    .contains("m0_signer_sign_seconds").contains("m0_signer_tls_refused_total")
                    .contains("m0_signer_markets 2.0");
            HttpResponse<String> ready = plain.send(HttpRequest.newBuilder(URI.create(admin + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("\"key\":\"UP\"", "\"journal\":\"UP\"", "\"markets\":\"UP\"");
            assertThat(plain.send(HttpRequest.newBuilder(URI.create(admin + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            // the admin port never serves the sign API
            for (String path : List.of(SignerWire.SIGN_PATH, SignerWire.KEY_PATH)) {
                HttpResponse<String> r = plain.send(HttpRequest.newBuilder(URI.create(admin + path))
                        .header("Authorization", TOKEN.authorizationHeader())
                        .header("Content-Type", SignerWire.BUNDLE_CONTENT_TYPE)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.bundle(2, NOW).bytes())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(404);
            }
            // and the TLS port does not speak plain HTTP
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + running.server().port() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);
            assertThat(running.agent().guard().highWaterMark(7)).isEqualTo(1);
        }
    }

    @Test
    void aMarketAddedToTheFileBecomesSignableWithoutARestartAndABrokenFileKeepsThePreviousOne() throws Exception {
        Path markets = dir.resolve("markets.json");
        Files.writeString(markets, """
                {"markets": [{"id": "SPORTS_LAL_BOS", "domain": "SPORTS", "tier": "NORMAL",
                              "outcomes": ["AWAY", "HOME"], "status": "ACTIVE"}]}
                """);
        env.put(SignerAgentMain.MARKETS_FILE, markets.toString());
        env.put(SignerAgentMain.MARKETS_RELOAD_MS, "3600000"); // the test drives the checks itself
        PrometheusRegistry registry = new PrometheusRegistry();
        com.m0club.protocol.bundle.EncodedBundle crypto = Fixtures.bundle(Fixtures.SET_ID, 1, NOW,
                List.of(Fixtures.cryptoItem(NOW)));
        try (SignerAgentMain.Running running = SignerAgentMain.start(env, clock, registry);
                HttpClient http = TestPki.http(clientTls)) {
            assertThat(sign(http, running, crypto)).as("CRYPTO_BTC_UP is not in the markets file yet")
                    .contains("UNKNOWN_MARKET");

            Files.writeString(markets, """
                    {"markets": [{"id": "SPORTS_LAL_BOS", "domain": "SPORTS", "tier": "NORMAL",
                                  "outcomes": ["AWAY", "HOME"], "status": "ACTIVE"},
                                 {"id": "CRYPTO_BTC_UP", "domain": "CRYPTO", "tier": "FAST",
                                  "outcomes": ["DOWN", "UP"], "status": "ACTIVE", "epoch_window_ms": 60000,
                                  "publish_cadence_ms": 1000,
                                  "timing": {"max_commit_staleness_ms": 300000, "max_clock_skew_ms": 5000}}]}
                    """);
            assertThat(running.markets().reloadNow()).isEqualTo(ReloadingMarkets.Outcome.RELOADED);
            assertThat(sign(http, running, crypto)).contains("signature_hex");

            Files.writeString(markets, "{\"markets\": [{\"id\": \"BROKEN\"");
            assertThat(running.markets().reloadNow()).isEqualTo(ReloadingMarkets.Outcome.ERROR);
            assertThat(running.markets().reloadNow()).as("the same broken file is reported once")
                    .isEqualTo(ReloadingMarkets.Outcome.UNCHANGED);
            assertThat(running.markets().lastError()).get().asString().contains(markets.toString());
            assertThat(running.markets().size()).isEqualTo(2);
            assertThat(sign(http, running, Fixtures.bundle(Fixtures.SET_ID, 2, NOW,
                    List.of(Fixtures.cryptoItem(NOW))))).as("still signing with the previous markets")
                    .contains("signature_hex");
            assertThat(registry.scrape().stream()
                    .filter(m -> m.getMetadata().getName().equals("m0_signer_markets_reloads"))
                    .flatMap(m -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot) m).getDataPoints().stream())
                    .filter(d -> d.getLabels().get("result").equals("error"))
                    .mapToDouble(d -> d.getValue()).sum()).isEqualTo(1.0);
        }
    }

    private static String sign(HttpClient http, SignerAgentMain.Running running,
            com.m0club.protocol.bundle.EncodedBundle bundle) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(running.server().endpoint() + SignerWire.SIGN_PATH))
                        .header("Content-Type", SignerWire.BUNDLE_CONTENT_TYPE)
                        .header("Authorization", TOKEN.authorizationHeader())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bundle.bytes())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void withoutTlsFilesTheAgentRefusesToStartNamingTheVariable() {
        for (String name : List.of(SignerAgentMain.TLS_CERT_FILE, SignerAgentMain.TLS_KEY_FILE,
                SignerAgentMain.TLS_CA_FILE)) {
            Map<String, String> missing = new HashMap<>(env);
            missing.remove(name);
            assertThatThrownBy(() -> SignerAgentMain.start(missing, clock, new PrometheusRegistry()))
                    .isInstanceOf(AgentConfigException.class).hasMessageContaining(name + " is required");
        }
    }

    @Test
    void configurationErrorsNameTheVariableOrKey() throws Exception {
        Map<String, String> missing = new HashMap<>(env);
        missing.remove(SignerAgentMain.STATE_DIR);
        assertThatThrownBy(() -> SignerAgentMain.start(missing, clock, new PrometheusRegistry()))
                .isInstanceOf(AgentConfigException.class).hasMessageContaining("M0_SIGNER_STATE_DIR is required");

        Map<String, String> wrongSet = new HashMap<>(env);
        wrongSet.put(SignerAgentMain.SET_ID, "8");
        assertThatThrownBy(() -> SignerAgentMain.start(wrongSet, clock, new PrometheusRegistry()))
                .isInstanceOf(AgentConfigException.class).hasMessageContaining("signer_set.id is 7");

        Map<String, String> badPort = new HashMap<>(env);
        badPort.put(SignerAgentMain.PORT, "http");
        assertThatThrownBy(() -> SignerAgentMain.start(badPort, clock, new PrometheusRegistry()))
                .isInstanceOf(AgentConfigException.class).hasMessageContaining("M0_SIGNER_PORT must be an integer");

        Path outsider = dir.resolve("keys/outsider.key");
        KeyStoreFile.generate(outsider);
        Map<String, String> notMember = new HashMap<>(env);
        notMember.put(SignerAgentMain.KEY_FILE, outsider.toString());
        assertThatThrownBy(() -> SignerAgentMain.start(notMember, clock, new PrometheusRegistry()))
                .isInstanceOf(AgentConfigException.class).hasMessageContaining("is not a member of signer set 7");

        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SignerAgentMain.start(env, clock, new PrometheusRegistry()))
                .isInstanceOf(KeyFileException.class).hasMessageContaining("group or others");
    }

    @Test
    void theConfigFileIsStrict() throws Exception {
        String good = Files.readString(config);
        Files.writeString(config, good.replace("\"threshold\": 2", "\"threshold\": 2, \"treshold\": 3"));
        assertThatThrownBy(() -> SignerConfigFile.load(config))
                .isInstanceOf(AgentConfigException.class)
                .hasMessageContaining(config.toString())
                .hasMessageContaining("signer_set.treshold: unknown key");

        Files.writeString(config, good.replace("\"status\": \"ACTIVE\", \"epoch_window_ms\": 60000",
                "\"status\": \"ACTIVE\", \"epoch_window_ms\": 60001"));
        assertThatThrownBy(() -> SignerConfigFile.load(config))
                .isInstanceOf(AgentConfigException.class)
                .hasMessageContaining("markets[1].publish_cadence_ms");

        Files.writeString(config, good.replace("\"tier\": \"NORMAL\"", "\"tier\": \"QUICK\""));
        assertThatThrownBy(() -> SignerConfigFile.load(config))
                .isInstanceOf(AgentConfigException.class)
                .hasMessageContaining("markets[0].tier: must be one of");

        Files.writeString(config, good.replace("\"threshold\": 2", "\"threshold\": 1"));
        assertThatThrownBy(() -> SignerConfigFile.load(config))
                .isInstanceOf(AgentConfigException.class)
                .hasMessageContaining("signer_set.threshold");

        Files.writeString(config, good);
        SignerConfigFile parsed = SignerConfigFile.load(config);
        assertThat(parsed.markets()).hasSize(2);
        assertThat(parsed.markets().get(1).timing().maxClockSkewMs()).isEqualTo(5_000);
        assertThat(parsed.markets().get(1).timing().finalizationDelayMs()).isEqualTo(120_000);
        assertThat(parsed.markets().get(0).schedule().publishCadenceMs()).isEqualTo(5_000);
    }

    @Test
    void listenerLimitsComeFromTheEnvironment() throws Exception {
        Map<String, String> limited = new HashMap<>(env);
        limited.put(SignerAgentMain.MAX_CONNECTIONS, "4");
        limited.put(SignerAgentMain.IDLE_TIMEOUT_MS, "30000");
        limited.put(SignerAgentMain.HEADER_TIMEOUT_MS, "300");
        try (SignerAgentMain.Running running = SignerAgentMain.start(limited, clock, new PrometheusRegistry());
                Socket s = socket(running.server().port())) {
            s.getOutputStream().write("GET /heal".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            assertThat(out.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 408").contains("within 300 ms");
        }

        for (String name : List.of(SignerAgentMain.MAX_CONNECTIONS, SignerAgentMain.IDLE_TIMEOUT_MS,
                SignerAgentMain.HEADER_TIMEOUT_MS)) {
            Map<String, String> bad = new HashMap<>(env);
            bad.put(name, "0");
            assertThatThrownBy(() -> SignerAgentMain.start(bad, clock, new PrometheusRegistry()))
                    .isInstanceOf(AgentConfigException.class).hasMessageContaining(name + " must be in");
        }
    }

    private Socket socket(int port) throws java.io.IOException {
        Socket plain = new Socket("127.0.0.1", port);
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) clientTls.sslContext().getSocketFactory()
                .createSocket(plain, "127.0.0.1", port, true);
        s.setSSLParameters(clientTls.sslParameters());
        s.startHandshake();
        return s;
    }
}
