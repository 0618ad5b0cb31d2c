package com.m0club.app.e2e;

import static com.m0club.app.e2e.DevNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.adapter.chain.remote.RemoteLedger;
import com.m0club.api.testing.TestHttp;
import com.m0club.app.cli.Args;
import com.m0club.app.cli.LedgerServeCommand;
import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.chain.EpochStatus;
import com.m0club.chain.LedgerEvent;
import com.m0club.runtime.config.M0Keys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The split topology's ledger end to end: {@code m0 ledger serve} runs the local ledger (in this JVM, on a free
 * port, with a token), and a dev node configured with {@code M0_LEDGER_URL} (and the token file) publishes and
 * finalizes epochs on it instead of opening a ledger of its own; the reconciler follows it into what the API serves.
 * While the server is away the node's readiness reports the ledger DOWN; once it is back on its port (its ledger
 * reopened from the journal) readiness is UP again and epochs keep finalizing.
 */
class RemoteLedgerNodeTest {
    private static final String TOKEN = "remote-ledger-node-test-token-0123";

    @TempDir
    Path tmp;

    @Test
    void aDevNodeWithALedgerUrlPublishesAndFinalizesOnTheServedLedgerAndRidesOutAServerRestart() throws Exception {
        Path token = Files.writeString(tmp.resolve("ledger.token"), TOKEN);
        Map<String, String> serveEnv = new HashMap<>(Map.of("M0_ENV", "dev", "M0_ADMIN_PORT", "0",
                "M0_LOG_FORMAT", "text", "M0_LEDGER_AUTH_TOKEN_FILE", token.toString()));
        Path serverData = tmp.resolve("server");
        LedgerServeCommand.Running served = serve(serveEnv, serverData, 0);
        List<LedgerServeCommand.Running> started = new java.util.ArrayList<>(List.of(served));
        int port = served.server().port();
        Path nodeData = tmp.resolve("node");
        Files.createDirectories(nodeData);
        Map<String, String> env = new HashMap<>(DevNode.env(nodeData));
        env.put("M0_LEDGER_URL", served.server().endpoint().toString());
        env.put("M0_LEDGER_AUTH_TOKEN_FILE", token.toString());
        NodeOptions options = NodeOptions.fromConfig(M0Keys.load(env, Optional.empty())).withPorts(0, 0, 0)
                .withPostgresBinaries(DevNode.postgresBinaries());
        try (OracleNode node = OracleNode.start(options)) {
            assertThat(node.ledger()).isInstanceOf(RemoteLedger.class);
            assertThat(nodeData.resolve("ledger")).as("the node opens no ledger of its own").doesNotExist();
            LedgerEvent.EpochFinalized first = DevNode.awaitValue("an epoch FINALIZED on the served ledger",
                    PATIENCE, () -> DevNode.events(served.ledger(), LedgerEvent.EpochFinalized.class).stream()
                            .findFirst());
            assertThat(node.ledger().epoch(first.market(), first.epochId()).orElseThrow().status())
                    .isEqualTo(EpochStatus.FINALIZED);
            TestHttp api = new TestHttp(DevNode.api(node));
            String path = "/v1/markets/" + first.market().value() + "/epochs/" + first.epochId();
            DevNode.await(path + " served as FINALIZED", PATIENCE, () -> {
                TestHttp.Response r = api.get(path);
                return r.status() == 200 && r.json().at("/ledger/status").asText().equals("FINALIZED");
            });
            TestHttp admin = new TestHttp(URI.create("http://127.0.0.1:" + node.adminPort()));
            JsonNode check = ledgerCheck(admin);
            assertThat(check.get("status").asText()).isEqualTo("UP");
            assertThat(check.get("detail").asText()).contains("at " + served.server().endpoint());

            served.close();
            DevNode.await("/readyz reports the ledger DOWN", PATIENCE, () -> admin.get("/readyz").status() == 503
                    && ledgerCheck(admin).get("status").asText().equals("DOWN"));

            LedgerServeCommand.Running back = serveOn(serveEnv, serverData, port);
            started.add(back);
            DevNode.await("/readyz reports the ledger UP again", PATIENCE, () -> admin.get("/readyz").status() == 200);
            int finalizedBefore = DevNode.events(back.ledger(), LedgerEvent.EpochFinalized.class).size();
            DevNode.await("epochs keep finalizing after the restart", PATIENCE,
                    () -> DevNode.events(back.ledger(), LedgerEvent.EpochFinalized.class).size() > finalizedBefore);
        } finally {
            started.forEach(LedgerServeCommand.Running::close);
        }
    }

    private static JsonNode ledgerCheck(TestHttp admin) {
        for (JsonNode c : admin.get("/readyz").json().get("checks")) {
            if (c.get("name").asText().equals("ledger")) {
                return c;
            }
        }
        throw new AssertionError("/readyz has no ledger check");
    }

    private static LedgerServeCommand.Running serve(Map<String, String> env, Path dataDir, int port) {
        return LedgerServeCommand.start(Args.parse("ledger", List.of("serve", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString()), Set.of()), env, e -> M0Keys.load(e, Optional.empty()),
                new PrintStream(new ByteArrayOutputStream()));
    }

    /** The server again on the port the node knows (released at once on Linux; retried briefly if not). */
    private static LedgerServeCommand.Running serveOn(Map<String, String> env, Path dataDir, int port)
            throws InterruptedException {
        return DevNode.awaitValue("the ledger server back on port " + port, PATIENCE,
                () -> Optional.of(serve(env, dataDir, port)));
    }
}
