package com.m0club.app.node;

import com.m0club.store.postgres.Database;
import com.m0club.store.postgres.EmbeddedPostgres;
import com.m0club.store.postgres.Jdbc;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Optional;

/**
 * The database a process uses: the configured one ({@code M0_POSTGRES_URL}), or in the dev profile the embedded
 * PostgreSQL under the data directory, which this handle then owns and stops on {@link #close()}. One rule for the
 * node and for the one-shot operator commands ({@code migrate up}, {@code registry seed}, {@code market pause}).
 */
public record DatabaseHandle(Database database, Optional<EmbeddedPostgres> embedded) implements AutoCloseable {

    public static DatabaseHandle open(NodeOptions options, PrometheusRegistry registry) {
        if (options.postgresUrl().isPresent()) {
            return new DatabaseHandle(Database.connect(options.postgresUrl().get(), registry), Optional.empty());
        }
        if (!options.dev()) {
            throw new IllegalStateException("postgres_url (M0_POSTGRES_URL) is required outside the dev profile");
        }
        var builder = EmbeddedPostgres.builder().dataDir(options.dataDir()).port(options.embeddedPostgresPort());
        options.postgresBinaries().ifPresent(builder::binariesDir);
        EmbeddedPostgres pg = builder.build().start();
        try {
            return new DatabaseHandle(Database.connect(pg.jdbcUrl(), registry), Optional.of(pg));
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /**
     * A separate, bounded pool for the API's reads on the same database, so that API load can never take the
     * connections publishing needs (the bulkhead of issue 6 item 6). Failures are counted in the database's
     * {@code m0_db_errors_total}. The caller owns the returned pool and closes it.
     *
     * @param size connections at most ({@code api_db_pool_size})
     * @param waitTimeout how long an API read waits for a connection before failing
     */
    public ReadPool openReadPool(int size, Duration waitTimeout) {
        if (!(database.dataSource() instanceof HikariDataSource main)) {
            throw new IllegalStateException("the database pool is not a HikariCP pool");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("m0-api-reads");
        config.setJdbcUrl(main.getJdbcUrl());
        config.setUsername(main.getUsername());
        config.setPassword(main.getPassword());
        if (main.getSchema() != null) {
            config.setSchema(main.getSchema());
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(1, size));
        config.setConnectionTimeout(Math.max(250, waitTimeout.toMillis()));
        config.setValidationTimeout(Math.min(Math.max(250, waitTimeout.toMillis()), 2_000));
        config.setReadOnly(true);
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "m0-api");
        HikariDataSource pool = new HikariDataSource(config);
        return new ReadPool(pool, new Jdbc(pool, database.metrics()));
    }

    /** The API's read pool and its query helpers; {@link #close()} closes the pool. */
    public record ReadPool(HikariDataSource pool, Jdbc jdbc) implements AutoCloseable {
        @Override
        public void close() {
            pool.close();
        }
    }

    @Override
    public void close() {
        database.close();
        embedded.ifPresent(EmbeddedPostgres::close);
    }
}
