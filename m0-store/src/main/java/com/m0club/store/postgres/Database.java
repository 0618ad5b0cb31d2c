package com.m0club.store.postgres;

import com.m0club.runtime.config.PostgresUrl;

import com.m0club.store.StoreException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection pool to one PostgreSQL database (HikariCP, pool name {@code m0}), its schema migrations (Flyway) and
 * its readiness check. It owns the pool: {@link #close()} closes it.
 *
 * <h2>Migrations from several jars</h2>
 * Every module that owns tables ships its own Flyway scripts under {@code db/migration} in its jar; m0-store uses
 * versions 1..99, other modules 100 and up (each module its own range). Flyway resolves
 * {@code classpath:db/migration} through the class loader, which returns that directory from every jar (and from a
 * shaded jar where they are merged), so one {@link #migrate()} applies them all. Because the ranges are per module, a
 * new m0-store script (say V4) is released after a database already holds V100: {@code outOfOrder} is therefore on,
 * so such a script is applied rather than refused.
 *
 * <h2>Readiness</h2>
 * The pool does not fail at construction when the database is down (a pod may start before its database); the
 * {@code /readyz} check calls {@link #ping()}, and {@link #migrate()} fails with a clear error.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** Where every module's migration scripts live, in every jar. */
    public static final String MIGRATIONS = "classpath:db/migration";

    private final PostgresUrl url;
    private final Optional<String> schema;
    private final HikariDataSource pool;
    private final StoreMetrics metrics;
    private final Jdbc jdbc;
    private final Duration pingTimeout;

    private Database(Builder b) {
        this.url = PostgresUrl.parse(b.url);
        this.schema = b.schema;
        this.metrics = new StoreMetrics(b.registry);
        this.pingTimeout = b.pingTimeout;
        HikariConfig config = poolConfig("m0", b.maxPoolSize, b.connectionTimeout);
        config.setMinimumIdle(Math.min(2, b.maxPoolSize));
        config.setIdleTimeout(Duration.ofMinutes(5).toMillis());
        config.setMaxLifetime(Duration.ofMinutes(30).toMillis());
        this.pool = new HikariDataSource(config);
        this.jdbc = new Jdbc(pool, metrics);
        LOG.info("database pool m0 -> {}{} (max {} connections)", url, schema.map(s -> " schema " + s).orElse(""),
                b.maxPoolSize);
    }

    /** The settings every pool of this database shares: URL, credentials, schema, size and wait. */
    private HikariConfig poolConfig(String name, int maxSize, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(maxSize);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setValidationTimeout(Math.min(connectionTimeout.toMillis(), 2_000));
        // Do not fail here when the database is not up yet: readiness (ping) and migrate() report it.
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", name);
        schema.ifPresent(config::setSchema);
        return config;
    }

    /**
     * A separate, bounded, read-only pool on the same database, so that one kind of load (the API's reads) can never
     * take the connections another needs (publishing). Failures count in this database's {@code m0_db_errors_total}.
     * The caller owns the returned pool and closes it.
     *
     * @param name the pool's name, also its PostgreSQL {@code application_name}
     * @param maxSize connections at most
     * @param waitTimeout how long a caller waits for a connection before failing (at least 250 ms)
     */
    public ReadPool openReadPool(String name, int maxSize, Duration waitTimeout) {
        if (maxSize < 1 || maxSize > 200) {
            throw new IllegalArgumentException("maxSize: must be 1..200, got " + maxSize);
        }
        HikariConfig config = poolConfig(name, maxSize, Duration.ofMillis(Math.max(250, waitTimeout.toMillis())));
        config.setMinimumIdle(1);
        config.setReadOnly(true);
        HikariDataSource readPool = new HikariDataSource(config);
        return new ReadPool(readPool, new Jdbc(readPool, metrics));
    }

    /** A read pool of this database and its query helpers; {@link #close()} closes the pool. */
    public record ReadPool(HikariDataSource pool, Jdbc jdbc) implements AutoCloseable {
        @Override
        public void close() {
            pool.close();
        }
    }

    /** A pool with the defaults (10 connections, 5 s connection timeout, the URL's default schema). */
    public static Database connect(String url, PrometheusRegistry registry) {
        return builder(url, registry).build();
    }

    /**
     * Options beyond the URL.
     *
     * @param url {@code jdbc:postgresql://...} or {@code postgresql://user:pass@host:port/db}
     * @param registry where {@code m0_db_errors_total} and {@code m0_store_rejections_total} are registered
     */
    public static Builder builder(String url, PrometheusRegistry registry) {
        return new Builder(url, registry);
    }

    /**
     * Applies every pending migration found under {@value #MIGRATIONS} in any jar, creating the schema first when
     * one was configured.
     *
     * @return how many scripts were applied and the schema version now
     * @throws StoreException when the database is unreachable or a script fails (counted as {@code op=migrate})
     */
    public Migration migrate() {
        long t0 = System.nanoTime();
        try {
            var configuration = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(pool)
                    .locations(MIGRATIONS)
                    .outOfOrder(true)
                    .failOnMissingLocations(true)
                    .loggers("slf4j");
            schema.ifPresent(s -> configuration.schemas(s).createSchemas(true));
            MigrateResult result = configuration.load().migrate();
            Migration m = new Migration(result.migrationsExecuted,
                    Optional.ofNullable(result.targetSchemaVersion).or(() -> Optional.ofNullable(
                            result.initialSchemaVersion)));
            LOG.info("database migrated: {} script(s) applied, schema version {}, in {} ms", m.applied(),
                    m.schemaVersion().orElse("(none)"), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return m;
        } catch (FlywayException e) {
            metrics.dbError("migrate");
            throw new StoreException("migrate", "schema migration on " + url.jdbcUrl() + " failed: " + e.getMessage(),
                    e);
        }
    }

    /** The result of {@link #migrate()}. */
    public record Migration(int applied, Optional<String> schemaVersion) {}

    /**
     * True when the database answers {@code SELECT 1} within the ping timeout (default 2 s), including the wait for
     * a pooled connection. A failure is counted as {@code op=ping} and logged at debug (readiness probes poll).
     */
    public boolean ping() {
        CompletableFuture<Boolean> probe = new CompletableFuture<>();
        Thread.ofVirtual().name("m0-db-ping").start(() -> {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.setQueryTimeout((int) Math.max(1, pingTimeout.toSeconds()));
                st.execute("SELECT 1");
                probe.complete(true);
            } catch (SQLException | RuntimeException e) {
                probe.completeExceptionally(e);
            }
        });
        try {
            return probe.get(pingTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            metrics.dbError("ping");
            LOG.debug("database ping timed out after {} ms", pingTimeout.toMillis());
            return false;
        } catch (ExecutionException e) {
            metrics.dbError("ping");
            LOG.debug("database ping failed: {}", e.getCause().toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A new connection outside the pool, owned by the caller: for session state that must live exactly as long as
     * one connection (an advisory lock held by a lease). Same URL, credentials and schema as the pool.
     *
     * @param name the connection's PostgreSQL {@code application_name}
     */
    public Connection openSession(String name) throws SQLException {
        Objects.requireNonNull(name, "name");
        java.util.Properties props = new java.util.Properties();
        url.user().ifPresent(u -> props.setProperty("user", u));
        url.password().ifPresent(pw -> props.setProperty("password", pw));
        props.setProperty("ApplicationName", name);
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "10");
        schema.ifPresent(s -> props.setProperty("currentSchema", s));
        return java.sql.DriverManager.getConnection(url.jdbcUrl(), props);
    }

    /** The pooled data source, for adapters that need JDBC directly. Owned by this object: do not close it. */
    public DataSource dataSource() {
        return pool;
    }

    /** Query helpers over the pool, counting failures in {@code m0_db_errors_total}. */
    public Jdbc jdbc() {
        return jdbc;
    }

    public StoreMetrics metrics() {
        return metrics;
    }

    /** The configured schema, when one was set (otherwise the URL's / server's default search path applies). */
    public Optional<String> schema() {
        return schema;
    }

    /** The URL and user, without the password: safe for logs and {@code /v1/info}. */
    public String describe() {
        return url.toString() + schema.map(s -> " schema " + s).orElse("");
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "Database[" + describe() + "]";
    }

    /** Pool options. Defaults suit one m0 process; the total over all pods must stay below max_connections. */
    public static final class Builder {
        private final String url;
        private final PrometheusRegistry registry;
        private Optional<String> schema = Optional.empty();
        private int maxPoolSize = 10;
        private Duration connectionTimeout = Duration.ofSeconds(5);
        private Duration pingTimeout = Duration.ofSeconds(2);

        private Builder(String url, PrometheusRegistry registry) {
            this.url = Objects.requireNonNull(url, "url");
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Puts M0Club's tables in this schema (created by {@link #migrate()} if absent) instead of the default
         * search path: lets several environments or test runs share one database.
         */
        public Builder schema(String schema) {
            if (!SCHEMA.matcher(schema).matches()) {
                throw new IllegalArgumentException("schema: must match " + SCHEMA + ", got " + schema);
            }
            this.schema = Optional.of(schema);
            return this;
        }

        public Builder maxPoolSize(int maxPoolSize) {
            if (maxPoolSize < 1 || maxPoolSize > 200) {
                throw new IllegalArgumentException("maxPoolSize: must be 1..200, got " + maxPoolSize);
            }
            this.maxPoolSize = maxPoolSize;
            return this;
        }

        /** How long a caller waits for a pooled connection before failing (default 5 s, at least 250 ms). */
        public Builder connectionTimeout(Duration connectionTimeout) {
            if (connectionTimeout.toMillis() < 250) {
                throw new IllegalArgumentException("connectionTimeout: must be >= 250 ms, got " + connectionTimeout);
            }
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        /** Budget of {@link #ping()} (default 2 s). */
        public Builder pingTimeout(Duration pingTimeout) {
            if (pingTimeout.toMillis() < 100) {
                throw new IllegalArgumentException("pingTimeout: must be >= 100 ms, got " + pingTimeout);
            }
            this.pingTimeout = pingTimeout;
            return this;
        }

        public Database build() {
            return new Database(this);
        }
    }
}
