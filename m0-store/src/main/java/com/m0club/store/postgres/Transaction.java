package com.m0club.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The statements of one database transaction ({@link Jdbc#inTransaction}). Same helpers as {@link Jdbc}, on the
 * transaction's connection; SQL errors propagate as {@link SQLException} so the transaction is rolled back and
 * counted once, under the transaction's operation name.
 */
public final class Transaction {
    private final Connection connection;

    Transaction(Connection connection) {
        this.connection = connection;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        return Jdbc.query(connection, sql, mapper, params);
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        return Jdbc.queryOne(connection, sql, mapper, params);
    }

    public int update(String sql, Object... params) throws SQLException {
        return Jdbc.update(connection, sql, params);
    }

    /** The underlying connection, for what the helpers do not cover (batches, COPY). Do not commit or close it. */
    public Connection connection() {
        return connection;
    }

    /** Work done inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Transaction tx) throws SQLException;
    }
}
