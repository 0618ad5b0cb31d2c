package com.m0club.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresUrlTest {

    @Test
    void libpqFormSplitsCredentials() {
        PostgresUrl url = PostgresUrl.parse("postgresql://m0:p%40ss@db.internal:6543/oracle?sslmode=require");

        assertThat(url.host()).isEqualTo("db.internal");
        assertThat(url.port()).isEqualTo(6543);
        assertThat(url.database()).isEqualTo("oracle");
        assertThat(url.user()).contains("m0");
        assertThat(url.password()).contains("p@ss");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/oracle?sslmode=require");
        assertThat(url.toString()).doesNotContain("p@ss").contains("password=***");
    }

    @Test
    void jdbcFormTakesCredentialsFromParameters() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://localhost/m0?user=app&password=s3cret&ssl=true");

        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.user()).contains("app");
        assertThat(url.password()).contains("s3cret");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/m0?ssl=true");
    }

    @Test
    void withoutCredentials() {
        PostgresUrl url = PostgresUrl.parse("postgres://[::1]:5432/m0");

        assertThat(url.user()).isEmpty();
        assertThat(url.password()).isEmpty();
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/m0");
    }

    @Test
    void rejectsOtherShapesWithoutEchoingThem() {
        for (String bad : new String[] {"mysql://u:hunter2@h/db", "postgresql://u:hunter2@h", "postgresql:///db",
                "postgresql://u:hunter2@h/db/extra", "hunter2"}) {
            assertThatThrownBy(() -> PostgresUrl.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(PostgresUrl.RULE);
        }
    }
}
