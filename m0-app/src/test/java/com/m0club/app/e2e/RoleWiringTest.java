package com.m0club.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.runtime.config.M0Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production wiring opens only what the selected roles need: each role's wiring function names its
 * infrastructure and the node opens exactly that (issue 7, "OracleNode composes roles").
 */
class RoleWiringTest {
    @TempDir
    Path dir;

    private OracleNode start(String roles) throws Exception {
        Files.createDirectories(dir);
        Map<String, String> env = new HashMap<>(DevNode.env(dir));
        env.put("M0_ROLES", roles);
        return OracleNode.start(NodeOptions.fromConfig(M0Keys.load(env, Optional.empty())).withPorts(0, 0, 0)
                .withPostgresBinaries(DevNode.postgresBinaries()));
    }

    @Test
    void aQuantOnlyProcessOpensNoDatabaseNoLedgerAndNoSigners() throws Exception {
        try (OracleNode node = start("quant")) {
            assertThat(node.opened()).contains("event-log", "admin")
                    .doesNotContain("database", "ledger", "signer-client")
                    .noneMatch(name -> name.startsWith("signer-agent"));
            assertThat(node.database()).isNull();
            assertThat(node.ledger()).isNull();
            assertThat(node.apiPort()).isEqualTo(-1);
        }
        assertThat(dir.resolve("postgres")).doesNotExist();
        assertThat(dir.resolve("ledger")).doesNotExist();
        assertThat(dir.resolve("keys")).doesNotExist();
    }

    @Test
    void anIngestorOpensTheDatabaseForTheRegistryButNoLedgerAndNoSigners() throws Exception {
        // the registry needs the database; with HTTP connectors the same pool also reads connector_state
        // (HttpConnectorNodeTest), so connectors open nothing more
        try (OracleNode node = start("ingestor")) {
            assertThat(node.opened()).contains("database", "event-log", "admin")
                    .doesNotContain("ledger", "signer-client", "api");
            assertThat(node.ledger()).isNull();
        }
        assertThat(dir.resolve("ledger")).doesNotExist();
        assertThat(dir.resolve("keys")).doesNotExist();
    }

    @Test
    void aBundlerWithItsDevAgentsOpensTheDatabaseAndSignersButNoLedger() throws Exception {
        try (OracleNode node = start("bundler,signer-agent")) {
            assertThat(node.opened()).contains("database", "event-log", "signer-client", "signer-agent-0", "admin")
                    .doesNotContain("ledger", "api");
            assertThat(node.ledger()).isNull();
            assertThat(node.signerSet().threshold()).isEqualTo(2);
        }
        assertThat(dir.resolve("ledger")).doesNotExist();
    }

    @Test
    void theWholeDevNodeOpensEverythingInDependencyOrder() throws Exception {
        try (OracleNode node = DevNode.start(dir)) {
            var opened = node.opened();
            assertThat(opened).contains("database", "ledger", "event-log", "signer-client", "api", "admin");
            assertThat(opened.indexOf("database")).isLessThan(opened.indexOf("ledger"));
            assertThat(opened.indexOf("signer-agent-0")).isLessThan(opened.indexOf("signer-client"));
            assertThat(opened.getLast()).isEqualTo("admin");
        }
    }
}
