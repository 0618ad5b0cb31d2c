package com.m0club.store;

import com.m0club.devkit.postgres.EmbeddedPostgres;
import com.m0club.store.postgres.Database;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the store tests find a real PostgreSQL: {@code M0_TEST_POSTGRES_URL} when set (the value {@code embedded}
 * forces the fallback), else the machine's server at 127.0.0.1:5432 (database {@code test}, user {@code postgres},
 * trust auth) when it answers, else one {@link EmbeddedPostgres} shared by the whole test run and stopped at JVM
 * exit. Each test gets a fresh schema, dropped afterwards, so runs never see each other's rows.
 */
public final class TestPostgres {
    private static final String LOCAL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static String baseUrl;
    private static EmbeddedPostgres embedded;

    private TestPostgres() {}

    /** The JDBC URL of the database the tests use (started on first call when it is the embedded one). */
    public static synchronized String baseUrl() {
        if (baseUrl == null) {
            String configured = System.getenv("M0_TEST_POSTGRES_URL");
            if (configured != null && !configured.isBlank() && !configured.equals("embedded")) {
                baseUrl = configured;
            } else if (configured == null && localServerAnswers()) {
                baseUrl = LOCAL;
            } else {
                baseUrl = startEmbedded();
            }
        }
        return baseUrl;
    }

    /** A pool on a new, empty schema (created by migrate()). Drop it with {@link #drop(Database)}. */
    public static Database freshDatabase(PrometheusRegistry registry) {
        String schema = "t_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
        return Database.builder(baseUrl(), registry).schema(schema).maxPoolSize(12).build();
    }

    /** A pool on a new schema with every migration on the classpath applied (this module's and others'). */
    public static Database freshMigratedDatabase(PrometheusRegistry registry) {
        Database db = freshDatabase(registry);
        try {
            db.migrate();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** A second pool on the same schema: what a restarted process sees. */
    public static Database reopen(Database db, PrometheusRegistry registry) {
        return Database.builder(baseUrl(), registry).schema(db.schema().orElseThrow()).maxPoolSize(4).build();
    }

    /** Drops the test schema and closes the pool. */
    public static void drop(Database db) {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + db.schema().orElseThrow() + " CASCADE");
        } catch (Exception e) {
            throw new IllegalStateException("could not drop the test schema " + db.schema().orElseThrow(), e);
        } finally {
            db.close();
        }
    }

    /** Binaries are unpacked once per build into target/, shared by every embedded server the tests start. */
    public static Path sharedBinariesDir() {
        return Path.of("target", "embedded-pg-bin").toAbsolutePath();
    }

    private static boolean localServerAnswers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5432), 500);
        } catch (IOException e) {
            return false;
        }
        try (Connection c = DriverManager.getConnection(LOCAL)) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }

    private static String startEmbedded() {
        try {
            Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
            Path dir = Files.createTempDirectory(target, "embedded-pg-data-");
            embedded = EmbeddedPostgres.builder().dataDir(dir).port(0).binariesDir(sharedBinariesDir()).build();
            embedded.start();
            // The launcher's own shutdown hook stops the server when the test JVM exits.
            return embedded.jdbcUrl();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
