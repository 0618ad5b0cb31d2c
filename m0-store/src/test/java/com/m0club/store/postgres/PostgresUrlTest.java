package com.m0club.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresUrlTest {
    @Test
    void jdbcUrlsKeepTheirParametersButLoseTheirCredentials() {
        PostgresUrl u = PostgresUrl.parse("jdbc:postgresql://db:5432/m0?user=m0&password=s3cret&sslmode=require");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/m0?sslmode=require");
        assertThat(u.user()).contains("m0");
        assertThat(u.password()).contains("s3cret");
        assertThat(u.toString()).doesNotContain("s3cret").contains("password ***");
    }

    @Test
    void libpqUrlsAreConverted() {
        PostgresUrl u = PostgresUrl.parse("postgresql://m0:p%40ss%3Aword@db.internal:6543/oracle?sslmode=verify-full");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/oracle?sslmode=verify-full");
        assertThat(u.user()).contains("m0");
        assertThat(u.password()).contains("p@ss:word");
        assertThat(u.toString()).doesNotContain("p@ss");

        PostgresUrl noCreds = PostgresUrl.parse("postgres://localhost/m0");
        assertThat(noCreds.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/m0");
        assertThat(noCreds.user()).isEmpty();
        assertThat(noCreds.password()).isEqualTo(Optional.empty());

        assertThat(PostgresUrl.parse("postgresql://alice@h1:5432,h2:5432/m0").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5432,h2:5432/m0");
    }

    @Test
    void badUrlsAreRefusedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> PostgresUrl.parse("mysql://root:hunter2@db/m0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with jdbc:postgresql:// or postgresql://")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PostgresUrl.parse(" ")).hasMessageContaining("is required");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql:///m0")).hasMessageContaining("names no host");
    }

    // Cases moved from m0-runtime's PostgresUrlTest when that copy of the parser was removed.

    @Test
    void ipv6HostsAndDefaultPortsPassThrough() {
        PostgresUrl url = PostgresUrl.parse("postgres://[::1]:5432/m0");
        assertThat(url.user()).isEmpty();
        assertThat(url.password()).isEmpty();
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/m0");

        PostgresUrl jdbc = PostgresUrl.parse("jdbc:postgresql://localhost/m0?user=app&password=s3cret&ssl=true");
        assertThat(jdbc.user()).contains("app");
        assertThat(jdbc.password()).contains("s3cret");
        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/m0?ssl=true");
    }

    @Test
    void otherShapesAreRefusedWithoutEchoingThem() {
        for (String bad : new String[] {"mysql://u:hunter2@h/db", "postgresql://u:hunter2@h", "postgresql:///db",
                "postgresql://u:hunter2@h/db/extra", "hunter2", "jdbc:postgresql://h:5432/?password=hunter2"}) {
            assertThatThrownBy(() -> PostgresUrl.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("postgres url: ")
                    .hasMessageNotContaining("hunter2");
        }
    }
}
