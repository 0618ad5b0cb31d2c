package com.m0club.store.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.store.TestPostgres;
import com.m0club.store.postgres.Database;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectorStateStoreTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    private Database db;
    private Database otherProcess;

    @BeforeEach
    void setUp() {
        db = TestPostgres.freshMigratedDatabase(new PrometheusRegistry());
        otherProcess = TestPostgres.reopen(db, new PrometheusRegistry());
    }

    @AfterEach
    void tearDown() {
        otherProcess.close();
        TestPostgres.drop(db);
    }

    @Test
    void aDisabledConnectorIsSeenByEveryProcessUntilItIsEnabledAgain() {
        var operator = new ConnectorStateStore(db, clock);
        var ingestor = new ConnectorStateStore(otherProcess, clock);
        assertThat(ingestor.disabledIds()).isEmpty();
        assertThat(ingestor.get("book-a")).isEmpty();

        operator.disable("book-a", " feed sends stale odds ");
        operator.disable("book-a", "feed sends stale odds");
        assertThat(ingestor.disabledIds()).containsExactly("book-a");
        assertThat(ingestor.get("book-a")).contains(new ConnectorStateStore.ConnectorState("book-a", true,
                "feed sends stale odds", 1_000));

        now.set(2_000);
        operator.disable("exch.b", "maintenance");
        operator.enable("book-a", "fixed upstream");
        assertThat(ingestor.disabledIds()).containsExactly("exch.b");
        assertThat(ingestor.list()).containsExactly(
                new ConnectorStateStore.ConnectorState("book-a", false, "fixed upstream", 2_000),
                new ConnectorStateStore.ConnectorState("exch.b", true, "maintenance", 2_000));
    }

    @Test
    void idsAndReasonsAreCheckedNamingTheField() {
        var store = new ConnectorStateStore(db, clock);
        assertThatThrownBy(() -> store.disable("Book A", "x")).hasMessageStartingWith("connector_id");
        assertThatThrownBy(() -> store.disable("book-a", "  ")).hasMessageStartingWith("reason: must be 1..500");
        assertThatThrownBy(() -> store.enable("book-a", "x".repeat(501))).hasMessageStartingWith("reason");
        assertThat(store.list()).isEmpty();
    }
}
