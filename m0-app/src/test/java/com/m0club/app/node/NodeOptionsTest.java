package com.m0club.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.runtime.config.PostgresUrl;
import org.junit.jupiter.api.Test;

class NodeOptionsTest {

    @Test
    void connectionStringKeepsParametersAndCredentials() {
        String s = NodeOptions.connectionString(
                PostgresUrl.parse("postgresql://m0:s%40cret@db.example:6543/oracle?sslmode=require"));
        assertThat(s).isEqualTo("jdbc:postgresql://db.example:6543/oracle?sslmode=require&user=m0&password=s%40cret");
        com.m0club.store.postgres.PostgresUrl parsed = com.m0club.store.postgres.PostgresUrl.parse(s);
        assertThat(parsed.user()).contains("m0");
        assertThat(parsed.password()).contains("s@cret");
        assertThat(parsed.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/oracle?sslmode=require");
    }

    @Test
    void connectionStringWithoutCredentialsIsTheJdbcUrl() {
        assertThat(NodeOptions.connectionString(PostgresUrl.parse("postgresql://127.0.0.1:5432/test")))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
    }
}
