package com.m0club.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.store.StoreException;
import com.m0club.store.TestPostgres;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DatabaseTest {
    private PrometheusRegistry registry;
    private Database db;

    @BeforeEach
    void setUp() {
        registry = new PrometheusRegistry();
        db = TestPostgres.freshDatabase(registry);
    }

    @AfterEach
    void tearDown() {
        TestPostgres.drop(db);
    }

    @Test
    void migrateAppliesTheScriptsOfEveryClasspathRootOnceAndPingAnswers() {
        Database.Migration first = db.migrate();
        assertThat(first.applied()).isEqualTo(5);
        assertThat(first.schemaVersion()).contains("100");
        assertThat(db.migrate().applied()).isZero();

        List<String> tables = db.jdbc().query("test", "SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = ? ORDER BY table_name", row -> row.getString(1), db.schema().orElseThrow());
        assertThat(tables).contains("markets", "market_status_changes", "signer_sets", "signer_set_keys",
                "signer_set_sequences", "bundle_sequences", "connector_state", "another_module_probe");
        assertThat(db.ping()).isTrue();
        assertThat(db.describe()).contains("schema " + db.schema().orElseThrow());
    }

    @Test
    void sqlErrorsAreCountedUnderTheirOperationAndNameIt() {
        db.migrate();
        assertThatThrownBy(() -> db.jdbc().update("probe.insert", "INSERT INTO no_such_table VALUES (1)"))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("probe.insert: database error [SQLSTATE 42P01]");
        assertThat(db.metrics().dbErrors("probe.insert")).isEqualTo(1);
    }

    @Test
    void transactionsRollBackWhenTheWorkThrows() {
        db.migrate();
        assertThatThrownBy(() -> db.jdbc().inTransaction("probe.tx", tx -> {
            tx.update("INSERT INTO another_module_probe (id) VALUES (?)", 1L);
            throw new IllegalStateException("changed my mind");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(db.jdbc().queryOne("probe.count", "SELECT count(*) FROM another_module_probe",
                row -> row.getLong(1))).contains(0L);
        assertThat(db.metrics().dbErrors("probe.tx")).isZero();
    }

    @Test
    void anUnreachableDatabaseIsNotReadyAndCannotBeMigrated() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        PrometheusRegistry other = new PrometheusRegistry();
        try (Database down = Database.builder("postgresql://m0:secret@127.0.0.1:" + closedPort + "/m0", other)
                .connectionTimeout(Duration.ofMillis(500)).pingTimeout(Duration.ofSeconds(2)).build()) {
            assertThat(down.ping()).isFalse();
            assertThat(down.metrics().dbErrors("ping")).isEqualTo(1);
            assertThatThrownBy(down::migrate)
                    .isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("migrate: schema migration on jdbc:postgresql://127.0.0.1:" + closedPort)
                    .hasMessageNotContaining("secret");
            assertThat(down.metrics().dbErrors("migrate")).isEqualTo(1);
            assertThat(down.toString()).doesNotContain("secret");
        }
    }
}
