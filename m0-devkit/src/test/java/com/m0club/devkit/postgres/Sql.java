package com.m0club.devkit.postgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** Plain JDBC for the launcher's tests (m0-devkit cannot see m0-store's Database). */
final class Sql {
    private Sql() {}

    /** Binaries are unpacked once per build into target/, shared by every embedded server the tests start. */
    static Path sharedBinariesDir() {
        return Path.of("target", "embedded-pg-bin").toAbsolutePath();
    }

    static void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row, if any. */
    static Optional<String> queryOne(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
