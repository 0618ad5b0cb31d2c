package com.m0club.app.roles;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.runtime.lifecycle.Service;
import com.m0club.store.TestPostgres;
import com.m0club.store.lease.PostgresLease;
import com.m0club.store.postgres.Database;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two replicas of a leased role: never both running, and the standby takes over when the holder goes. */
class LeasedServicesTest {
    private static final Duration CHECK = Duration.ofMillis(50);

    private Database db;
    private Database replicaDb;
    private final AtomicInteger runningNow = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    @BeforeEach
    void setUp() {
        db = TestPostgres.freshDatabase(new PrometheusRegistry());
        replicaDb = TestPostgres.reopen(db, new PrometheusRegistry());
    }

    @AfterEach
    void tearDown() {
        replicaDb.close();
        TestPostgres.drop(db);
    }

    private final class Recording implements Service {
        volatile boolean running;
        final AtomicInteger starts = new AtomicInteger();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void start() {
            starts.incrementAndGet();
            running = true;
            maxRunning.accumulateAndGet(runningNow.incrementAndGet(), Math::max);
        }

        @Override
        public void close() {
            if (running) {
                running = false;
                runningNow.decrementAndGet();
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void onlyTheHolderRunsAndTheStandbyTakesOverWhenItStops() throws Exception {
        Recording a = new Recording();
        Recording b = new Recording();
        var first = new LeasedServices(new PostgresLease(db, "submitter", new PrometheusRegistry()), List.of(a), CHECK);
        var second = new LeasedServices(new PostgresLease(replicaDb, "submitter", new PrometheusRegistry()),
                List.of(b), CHECK);
        first.start();
        await("first leads", () -> a.running);
        second.start();
        Thread.sleep(CHECK.toMillis() * 5);
        assertThat(b.running).as("the standby waits").isFalse();
        first.close();
        await("second takes over", () -> b.running);
        second.close();
        assertThat(maxRunning.get()).as("never two at once").isEqualTo(1);
    }

    @Test
    void aHolderThatLosesItsConnectionStopsItsServicesAndTheStandbyTakesOver() throws Exception {
        Recording a = new Recording();
        Recording b = new Recording();
        var first = new LeasedServices(new PostgresLease(db, "submitter", new PrometheusRegistry()), List.of(a), CHECK);
        var second = new LeasedServices(new PostgresLease(replicaDb, "submitter", new PrometheusRegistry()),
                List.of(b), CHECK);
        try {
            first.start();
            await("first leads", first::leading);
            second.start();
            try (Connection c = replicaDb.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name ="
                        + " 'm0-lease-submitter' AND pid <> pg_backend_pid() AND state IS NOT NULL");
            }
            await("one of them leads again", () -> a.running ^ b.running);
            await("the first stopped or leads again", () -> !a.running || a.starts.get() == 2 || b.running);
        } finally {
            first.close();
            second.close();
        }
        assertThat(a.running || b.running).isFalse();
    }
}
