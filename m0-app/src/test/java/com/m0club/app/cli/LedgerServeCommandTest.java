package com.m0club.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.chain.remote.LedgerToken;
import com.m0club.adapter.chain.remote.RemoteLedger;
import com.m0club.api.testing.TestHttp;
import com.m0club.app.Main;
import com.m0club.app.node.Ledgers;
import com.m0club.chain.Ledger;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.M0Keys;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code m0 ledger serve}: it serves the local ledger of its data dir on the port it prints (0 = a free one), with
 * the admin listener's health, readiness and metrics; what is written through it is in the ledger's journal after a
 * restart; the token file is required from every client; usage and configuration mistakes are refused naming the
 * option or key; and a node's own local ledger refuses a token file it could not use.
 */
class LedgerServeCommandTest {
    private static final String TOKEN = "ledger-serve-test-token-0123456789";
    private static final Pattern LISTENING = Pattern.compile("ledger server listening on (http://\\S+) .*admin"
            + " (http://\\S+)\\)");

    @TempDir
    Path tmp;

    private Map<String, String> env() throws Exception {
        Path token = Files.writeString(tmp.resolve("ledger.token"), TOKEN + "\n");
        Map<String, String> env = new HashMap<>();
        env.put("M0_ENV", "dev");
        env.put("M0_ADMIN_PORT", "0");
        env.put("M0_LOG_FORMAT", "text");
        env.put("M0_LEDGER_AUTH_TOKEN_FILE", token.toString());
        return env;
    }

    private static LedgerServeCommand.Running start(Map<String, String> env, ByteArrayOutputStream out,
            String... argv) {
        return LedgerServeCommand.start(Args.parse("ledger", List.of(argv), java.util.Set.of()), env,
                e -> M0Keys.load(e, Optional.empty()), new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void itServesItsDataDirsLedgerOnThePrintedPortWithHealthReadinessAndMetrics() throws Exception {
        Map<String, String> env = env();
        Path dataDir = tmp.resolve("data");
        SignerSet set = SignerSet.builder().id(7).threshold(2).key(key(1).publicKey()).key(key(2).publicKey())
                .status(SignerSetStatus.ACTIVE).activationMs(0).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LedgerServeCommand.Running running = start(env, out, "serve", "--port", "0", "--data-dir",
                dataDir.toString())) {
            Matcher printed = LISTENING.matcher(out.toString(StandardCharsets.UTF_8));
            assertThat(printed.find()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
            URI url = URI.create(printed.group(1));
            assertThat(url.getPort()).isEqualTo(running.server().port()).isPositive();
            assertThat(running.ledger().directory()).isEqualTo(dataDir.toAbsolutePath().resolve("ledger"));

            try (RemoteLedger client = RemoteLedger.builder(url).registry(new PrometheusRegistry())
                    .token(Optional.of(LedgerToken.of(TOKEN))).build();
                    RemoteLedger anonymous = RemoteLedger.builder(url).registry(new PrometheusRegistry()).build()) {
                client.registerSignerSet(set);
                assertThat(client.signerSet(7)).contains(set);
                assertThatThrownBy(anonymous::currentSlot).hasMessageContaining("HTTP 401");
            }
            TestHttp admin = new TestHttp(URI.create(printed.group(2)));
            assertThat(admin.get("/healthz").status()).isEqualTo(200);
            TestHttp.Response ready = admin.get("/readyz");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.body()).contains("\"ledger\"").contains("slot");
            assertThat(admin.get("/metrics").body()).contains("m0_ledger_server_requests_total")
                    .contains("m0_ledger_slot");
        }
        // Restarted on the same data dir: what was written is the ledger's.
        try (LedgerServeCommand.Running again = start(env, new ByteArrayOutputStream(), "serve", "--port", "0",
                "--data-dir", dataDir.toString())) {
            assertThat(again.ledger().signerSet(7)).contains(set);
        }
    }

    @Test
    void usageAndConfigurationMistakesAreRefusedNamingTheOptionOrKey() throws Exception {
        Map<String, String> env = env();
        assertThat(main(env, "ledger", "serve", "--port", "http")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--port must be 0..65535");
        });
        assertThat(main(env, "ledger", "serve", "--bogus", "1")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("unknown option --bogus").contains("--host");
        });
        assertThat(main(env, "ledger", "frob")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("recover|serve");
        });
        Map<String, String> open = new HashMap<>(env);
        open.remove("M0_LEDGER_AUTH_TOKEN_FILE");
        open.put("M0_DATA_DIR", tmp.resolve("open").toString());
        assertThat(main(open, "ledger", "serve", "--port", "0", "--host", "0.0.0.0")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("M0_LEDGER_AUTH_TOKEN_FILE").contains("not a loopback address");
        });
        Map<String, String> missing = new HashMap<>(env);
        missing.put("M0_LEDGER_AUTH_TOKEN_FILE", tmp.resolve("absent.token").toString());
        missing.put("M0_DATA_DIR", tmp.resolve("missing").toString());
        assertThat(main(missing, "ledger", "serve", "--port", "0")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("ledger_auth_token_file (M0_LEDGER_AUTH_TOKEN_FILE)")
                    .contains("absent.token");
        });
    }

    @Test
    void aProcessWithItsOwnLocalLedgerRefusesATokenFileItCouldNotUse() throws Exception {
        Config config = M0Keys.load(env(), Optional.empty());
        assertThatThrownBy(() -> Ledgers.open(config, tmp.resolve("ledger"), InstantSource.system(),
                new PrometheusRegistry())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ledger_auth_token_file (M0_LEDGER_AUTH_TOKEN_FILE)")
                .hasMessageContaining("ledger_url (M0_LEDGER_URL)");
        Map<String, String> remote = new HashMap<>(env());
        remote.put("M0_LEDGER_URL", "http://127.0.0.1:1");
        try (Ledger ledger = Ledgers.open(M0Keys.load(remote, Optional.empty()), tmp.resolve("unused"),
                InstantSource.system(), new PrometheusRegistry())) {
            assertThat(ledger).isInstanceOf(RemoteLedger.class);
            assertThat(Ledgers.readiness(ledger).check().up()).isFalse();
            assertThat(Ledgers.readiness(ledger).check().detail()).contains("http://127.0.0.1:1")
                    .contains("unreachable");
        }
        assertThat(tmp.resolve("unused")).doesNotExist();
    }

    record Run(int code, String out, String err) {}

    private static Run main(Map<String, String> env, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(argv), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static SigningKey key(int seed) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) seed);
        return SigningKey.fromSeed(b);
    }
}
