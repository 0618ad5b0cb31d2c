package com.m0club.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.devkit.postgres.EmbeddedPostgres;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.time.EpochSchedule;
import com.m0club.store.registry.MarketRegistryStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's migrations and registry on m0-devkit's embedded server across a restart (moved here from the
 * launcher's EmbeddedPostgresTest, which now lives in m0-devkit and cannot see the store).
 */
class EmbeddedDatabaseTest {
    private static final InstantSource CLOCK = InstantSource.fixed(java.time.Instant.ofEpochMilli(1_700_000_000_000L));

    @TempDir
    Path dir;

    private static Market market(String id) {
        return new Market(MarketId.of(id), Domain.CRYPTO, "A test market", Tier.FAST,
                List.of(OutcomeId.of("UP"), OutcomeId.of("DOWN")), new EpochSchedule(3_600_000, 1_000),
                LedgerTiming.DEFAULTS, MarketStatus.ACTIVE);
    }

    @Test
    void dataSurvivesARestartOnTheSameDataDirectory() {
        // Binaries under the data directory, as in `m0 dev`: the first start is a true cold start.
        EmbeddedPostgres.StartupReport cold;
        int port;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir).port(0).build().start()) {
            cold = pg.startupReport().orElseThrow();
            port = pg.port();
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/m0?user=postgres");
            try (Database db = Database.connect(pg.jdbcUrl(), new PrometheusRegistry())) {
                assertThat(db.migrate().applied()).isGreaterThanOrEqualTo(3);
                new MarketRegistryStore(db, CLOCK).upsert(market("SURVIVES_RESTART"));
                assertThat(db.ping()).isTrue();
            }
        }
        assertThat(cold.unpackedBinaries()).isTrue();
        assertThat(cold.initializedDataDir()).isTrue();
        assertThat(dir.resolve("postgres/postmaster.pid")).doesNotExist();

        EmbeddedPostgres.StartupReport warm;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir).port(0).build().start()) {
            warm = pg.startupReport().orElseThrow();
            assertThat(pg.port()).as("port 0 is picked once and remembered").isEqualTo(port);
            try (Database db = Database.connect(pg.jdbcUrl(), new PrometheusRegistry())) {
                assertThat(db.migrate().applied()).isZero();
                assertThat(new MarketRegistryStore(db, CLOCK).get(MarketId.of("SURVIVES_RESTART"))).isPresent();
            }
        }
        assertThat(warm.unpackedBinaries()).isFalse();
        assertThat(warm.initializedDataDir()).isFalse();
        System.out.printf("embedded PostgreSQL %s: cold start (unpack + initdb + start) %d ms, warm start %d ms%n",
                cold.version(), cold.total().toMillis(), warm.total().toMillis());
    }
}
