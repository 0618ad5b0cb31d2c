package com.m0club.store.postgres;

import com.m0club.store.StoreException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Plain JDBC with try-with-resources and typed row mappers; no ORM. Every call names its operation ({@code op}),
 * which is the label under which a failure is counted in {@code m0_db_errors_total} and the prefix of the
 * {@link StoreException} message.
 *
 * <p>Parameters bind by type: {@code null}, {@code String}, {@code Long}/{@code Integer}/{@code Boolean},
 * {@code byte[]} (bytea), {@code String[]} (text[]), enums (their name); anything else goes to
 * {@code setObject}.
 */
public final class Jdbc {
    private final DataSource dataSource;
    private final StoreMetrics metrics;

    public Jdbc(DataSource dataSource, StoreMetrics metrics) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    public StoreMetrics metrics() {
        return metrics;
    }

    /** All rows of a query, mapped. */
    public <T> List<T> query(String op, String sql, RowMapper<T> mapper, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return query(c, sql, mapper, params);
        } catch (SQLException e) {
            throw failed(op, e);
        }
    }

    /** At most one row; more than one is a bug in the query and an error. */
    public <T> Optional<T> queryOne(String op, String sql, RowMapper<T> mapper, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return queryOne(c, sql, mapper, params);
        } catch (SQLException e) {
            throw failed(op, e);
        }
    }

    /** An INSERT/UPDATE/DELETE in its own transaction (auto-commit); returns the affected row count. */
    public int update(String op, String sql, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return update(c, sql, params);
        } catch (SQLException e) {
            throw failed(op, e);
        }
    }

    /**
     * Runs {@code work} in one transaction (READ COMMITTED): committed when it returns, rolled back when it throws
     * anything. A {@link SQLException} is counted under {@code op} and rethrown as {@link StoreException}; other
     * exceptions (for example a {@link com.m0club.store.StoreConflictException} the work decided on) pass through
     * unchanged.
     */
    public <T> T inTransaction(String op, Transaction.Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(new Transaction(c));
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failed(op, e);
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException r) {
            cause.addSuppressed(r);
        }
    }

    private StoreException failed(String op, SQLException e) {
        metrics.dbError(op);
        String state = e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]";
        return new StoreException(op, "database error" + state + ": " + e.getMessage(), e);
    }

    static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        }
    }

    static <T> Optional<T> queryOne(Connection c, String sql, RowMapper<T> mapper, Object... params)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                T value = mapper.map(rs);
                if (rs.next()) {
                    throw new SQLException("expected at most one row from: " + sql, "21000");
                }
                return Optional.of(value);
            }
        }
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, params);
            return ps.executeUpdate();
        }
    }

    private static void bind(Connection c, PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            int at = i + 1;
            switch (p) {
                case null -> ps.setNull(at, Types.NULL);
                case String s -> ps.setString(at, s);
                case Long l -> ps.setLong(at, l);
                case Integer n -> ps.setInt(at, n);
                case Boolean b -> ps.setBoolean(at, b);
                case byte[] bytes -> ps.setBytes(at, bytes);
                case String[] strings -> {
                    Array array = c.createArrayOf("text", strings);
                    ps.setArray(at, array);
                }
                case Enum<?> e -> ps.setString(at, e.name());
                default -> ps.setObject(at, p);
            }
        }
    }
}
