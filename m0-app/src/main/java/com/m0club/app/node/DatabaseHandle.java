package com.m0club.app.node;

import com.m0club.devkit.postgres.EmbeddedPostgres;
import com.m0club.store.postgres.Database;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
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

    @Override
    public void close() {
        database.close();
        embedded.ifPresent(EmbeddedPostgres::close);
    }
}
