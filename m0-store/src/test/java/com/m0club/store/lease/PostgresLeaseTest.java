package com.m0club.store.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.store.TestPostgres;
import com.m0club.store.postgres.Database;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresLeaseTest {
    private Database db;
    private Database otherProcess;
    private PostgresLease first;
    private PostgresLease second;

    @BeforeEach
    void setUp() {
        db = TestPostgres.freshDatabase(new PrometheusRegistry());
        otherProcess = TestPostgres.reopen(db, new PrometheusRegistry());
        first = new PostgresLease(db, "submitter", new PrometheusRegistry());
        second = new PostgresLease(otherProcess, "submitter", new PrometheusRegistry());
    }

    @AfterEach
    void tearDown() {
        first.close();
        second.close();
        otherProcess.close();
        TestPostgres.drop(db);
    }

    @Test
    void onlyOneHolderAtATimeAndTheOtherTakesOverOnRelease() {
        assertThat(first.tryAcquire()).isTrue();
        assertThat(second.tryAcquire()).isFalse();
        assertThat(first.tryAcquire()).as("re-acquiring what it holds").isTrue();
        assertThat(first.stillHeld()).isTrue();
        first.release();
        assertThat(first.stillHeld()).isFalse();
        assertThat(second.tryAcquire()).isTrue();
        assertThat(first.tryAcquire()).isFalse();
    }

    @Test
    void aHolderWhoseConnectionDiesLosesTheLeaseAndTheOtherGetsIt() throws Exception {
        assertThat(first.tryAcquire()).isTrue();
        // What SIGKILL of the holder does to its session: the server ends it.
        try (Connection c = otherProcess.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name ="
                    + " 'm0-lease-submitter' AND pid <> pg_backend_pid()");
        }
        assertThat(second.tryAcquire()).isTrue();
        assertThat(first.stillHeld()).isFalse();
        assertThat(first.tryAcquire()).isFalse();
    }

    @Test
    void leasesOfDifferentNamesOrSchemasAreIndependent() {
        Database elsewhere = TestPostgres.freshDatabase(new PrometheusRegistry());
        try (var otherName = new PostgresLease(otherProcess, "backtest-runner", new PrometheusRegistry());
                var otherSchema = new PostgresLease(elsewhere, "submitter", new PrometheusRegistry())) {
            assertThat(first.tryAcquire()).isTrue();
            assertThat(otherName.tryAcquire()).isTrue();
            assertThat(otherSchema.tryAcquire()).isTrue();
        } finally {
            TestPostgres.drop(elsewhere);
        }
    }

    @Test
    void theLockKeyIsTheSameOnEveryJvm() {
        assertThat(PostgresLease.objectId("submitter", "public")).isEqualTo(0xc7228138);
    }

    @Test
    void aBadNameIsRefusedNamingTheRule() {
        assertThatThrownBy(() -> new PostgresLease(db, "Sub mitter", new PrometheusRegistry()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name: must match");
    }
}
