package com.m0club.store.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Maps the current row of a result set to a value. Must not move the cursor. */
@FunctionalInterface
public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
}
