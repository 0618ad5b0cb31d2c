package com.m0club.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.signer.keystore.KeyStoreFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code m0} program's commands through {@link Main#run}, as a shell would run them: exit codes (0 success,
 * 1 ran and failed, 2 bad usage or configuration) and what is printed.
 */
class MainCommandsTest {
    /** The machine's PostgreSQL that CI provides; {@code migrate up} runs against a fresh database on it. */
    private static final String MACHINE_POSTGRES_JDBC = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String MACHINE_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/";

    @TempDir
    Path tmp;

    @Test
    void unknownCommandIsAUsageError() {
        Run r = run(List.of("frobnicate"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown command 'frobnicate'").contains("m0 help");
    }

    @Test
    void helpPrintsTheCommands() {
        Run r = run(List.of("help"));
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: m0 <command>").contains("dev").contains("migrate up")
                .contains("signer keygen").contains("verify --url");
        assertThat(run(List.of()).code()).as("no command at all is a usage error").isEqualTo(2);
    }

    @Test
    void unknownOptionIsAUsageErrorNamingIt() {
        Run flag = run(List.of("dev", "--bogus"));
        assertThat(flag.code()).isEqualTo(2);
        assertThat(flag.err()).contains("--bogus");

        Run withValue = run(List.of("dev", "--bogus", "1"), env());
        assertThat(withValue.code()).isEqualTo(2);
        assertThat(withValue.err()).contains("unknown option --bogus").contains("--data-dir").contains("--api-port");
    }

    @Test
    void invalidConfigurationIsAUsageErrorListingTheKey() {
        Map<String, String> env = env();
        env.put("M0_PUBLISH_CONCURRENCY", "999");
        Run r = run(List.of("dev"), env);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("invalid configuration").contains("publish_concurrency")
                .contains("M0_PUBLISH_CONCURRENCY").contains("999");
        assertThat(tmp.resolve("data")).as("nothing started").doesNotExist();
    }

    @Test
    void signerKeygenWritesAPrivateKeyFileAndPrintsThePublicKey() throws Exception {
        Path key = tmp.resolve("agent.key");
        Run r = run(List.of("signer", "keygen", "--out", key.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).matches("[0-9a-f]{64}");
        assertThat(key).isRegularFile();
        assertThat(Files.getPosixFilePermissions(key))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(KeyStoreFile.load(key).publicKey().toHex()).as("the file holds the printed key's private half")
                .isEqualTo(r.out().strip());

        Run again = run(List.of("signer", "keygen", "--out", key.toString()));
        assertThat(again.code()).as("an existing key file is never overwritten").isEqualTo(1);
        assertThat(again.err()).contains(key.toString());
        assertThat(KeyStoreFile.load(key).publicKey().toHex()).isEqualTo(r.out().strip());

        Run missing = run(List.of("signer", "keygen"));
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--out is required");
    }

    @Test
    void migrateUpAppliesTheMigrationsToAFreshDatabaseOnce() throws Exception {
        assumeMachinePostgres();
        String database = "m0_migrate_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin("CREATE DATABASE " + database);
        try {
            Map<String, String> env = env();
            env.put("M0_POSTGRES_URL", MACHINE_POSTGRES_URL + database);
            Run first = run(List.of("migrate", "up"), env);
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(first.out()).containsPattern("migrations applied: [1-9][0-9]*; schema version \\S+");
            assertThat(tables(database)).contains("bundles", "markets", "ledger_epochs");

            Run second = run(List.of("migrate", "up"), env);
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(second.out()).contains("migrations applied: 0;");

            Run badSub = run(List.of("migrate", "down"), env);
            assertThat(badSub.code()).isEqualTo(2);
            assertThat(badSub.err()).contains("unknown subcommand 'down'");
        } finally {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Test
    void connectorDisableEnableAndListWriteAndShowTheStoredState() throws Exception {
        assumeMachinePostgres();
        String database = "m0_connector_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin("CREATE DATABASE " + database);
        try {
            Path connectors = tmp.resolve("connectors.toml");
            Files.writeString(connectors, """
                    [[connector]]
                    id = "book-a"
                    url = "http://127.0.0.1:1/odds"
                    kind = "decimal_odds"
                    [connector.mapping]
                    items = "/markets"
                    market = "/id"
                    outcomes = "/outcomes"
                    outcome = "/name"
                    value = "/odds"
                    """);
            Map<String, String> env = env();
            env.put("M0_POSTGRES_URL", MACHINE_POSTGRES_URL + database);
            env.put("M0_QUOTE_SOURCE", "connectors");
            env.put("M0_CONNECTORS_FILE", connectors.toString());

            Run listed = run(List.of("connector", "list"), env);
            assertThat(listed.code()).as(listed.err()).isZero();
            assertThat(listed.out().strip()).isEqualTo("book-a  enabled");

            Run disabled = run(List.of("connector", "disable", "book-a", "--reason", "stale odds"), env);
            assertThat(disabled.code()).as(disabled.err()).isZero();
            assertThat(disabled.out()).contains("book-a is DISABLED").contains("within ~2 s");
            Run other = run(List.of("connector", "disable", "book-z"), env);
            assertThat(other.out()).contains("note: book-z is not in this process's connectors file");
            assertThat(run(List.of("connector", "list"), env).out()).containsPattern(
                    "book-a  DISABLED  since \\S+  stale odds\n").contains(
                    "book-z  DISABLED  since ").contains("(not in this connectors file)");

            Run enabled = run(List.of("connector", "enable", "book-a"), env);
            assertThat(enabled.out()).contains("book-a is ENABLED");
            assertThat(run(List.of("connector", "list"), env).out()).containsPattern(
                    "book-a  enabled  since \\S+  operator: m0 connector enable");

            Run badId = run(List.of("connector", "disable", "Book A"), env);
            assertThat(badId.code()).isEqualTo(2);
            assertThat(badId.err()).contains("connector id");
            Run badAction = run(List.of("connector", "pause", "book-a"), env);
            assertThat(badAction.code()).isEqualTo(2);
            assertThat(badAction.err()).contains("unknown action 'pause' (disable|enable|list)");
        } finally {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Test
    void verifyWithNothingListeningFailsSayingSo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run r = run(List.of("verify", "--url", "http://127.0.0.1:" + port, "--market", "CRYPTO_BTC_RANGE_24H"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL fetch").contains("127.0.0.1:" + port).contains("verdict: FAILED");

        Run badMarket = run(List.of("verify", "--url", "http://127.0.0.1:" + port, "--market", "btc"));
        assertThat(badMarket.code()).isEqualTo(2);
        assertThat(badMarket.err()).contains("market_id");
    }

    // ------------------------------------------------------------------ helpers

    private record Run(int code, String out, String err) {}

    private Run run(List<String> argv) {
        return run(argv, env());
    }

    private static Run run(List<String> argv, Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(argv, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A dev environment on a temp data dir that starts nothing unless a test asks for it. */
    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("M0_ENV", "dev");
        env.put("M0_DATA_DIR", tmp.resolve("data").toString());
        env.put("M0_LOG_FORMAT", "text");
        // migrate reconfigures the JVM's logging from this (Main.loadConfig): keep INFO for the node tests after it
        env.put("M0_LOG_LEVEL", "info");
        return env;
    }

    private static void assumeMachinePostgres() {
        try (Connection c = connect(MACHINE_POSTGRES_JDBC)) {
            Assumptions.assumeTrue(c.isValid(5), "the machine's PostgreSQL at " + MACHINE_POSTGRES_JDBC
                    + " does not answer: migrate up against it is not tested here");
        } catch (SQLException e) {
            Assumptions.abort("the machine's PostgreSQL at " + MACHINE_POSTGRES_JDBC + " is not reachable ("
                    + e.getMessage() + "): migrate up against it is not tested here");
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = connect(MACHINE_POSTGRES_JDBC); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Set<String> tables(String database) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = connect("jdbc:postgresql://127.0.0.1:5432/" + database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
                        + " WHERE table_schema = current_schema()")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return Set.copyOf(names);
    }

    private static Connection connect(String jdbcUrl) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "5");
        return DriverManager.getConnection(jdbcUrl, p);
    }
}
