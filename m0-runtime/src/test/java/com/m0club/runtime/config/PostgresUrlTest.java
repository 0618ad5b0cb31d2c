package com.m0club.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one PostgreSQL URL parser (it was two: this module's config type and m0-store's; the cases of both tests are
 * here; where they disagreed, the URL is kept as written: no default port is added).
 */
class PostgresUrlTest {

    @Test
    void libpqFormSplitsCredentials() {
        PostgresUrl url = PostgresUrl.parse("postgresql://m0:p%40ss@db.internal:6543/oracle?sslmode=require");

        assertThat(url.user()).contains("m0");
        assertThat(url.password()).contains("p@ss");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/oracle?sslmode=require");
        assertThat(url.toString()).doesNotContain("p@ss").contains("password ***");
    }

    @Test
    void jdbcUrlsKeepTheirParametersButLoseTheirCredentials() {
        PostgresUrl u = PostgresUrl.parse("jdbc:postgresql://db:5432/m0?user=m0&password=s3cret&sslmode=require");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/m0?sslmode=require");
        assertThat(u.user()).contains("m0");
        assertThat(u.password()).contains("s3cret");
        assertThat(u.toString()).doesNotContain("s3cret").contains("password ***");
    }

    @Test
    void jdbcFormWithoutAPortIsKeptAsWritten() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://localhost/m0?user=app&password=s3cret&ssl=true");

        assertThat(url.user()).contains("app");
        assertThat(url.password()).contains("s3cret");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/m0?ssl=true");
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
    void ipv6HostsPassThrough() {
        PostgresUrl url = PostgresUrl.parse("postgres://[::1]:5432/m0");
        assertThat(url.user()).isEmpty();
        assertThat(url.password()).isEmpty();
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/m0");
    }

    @Test
    void theConfiguredTextIsKeptForTheStoreAndRenderedByTheConfigType() {
        String text = "postgresql://m0:s3cret@db:5432/oracle";
        PostgresUrl url = PostgresUrl.parse(text);
        assertThat(url.text()).isEqualTo(text);
        assertThat(PostgresUrl.type().render(url)).isEqualTo(text);
        assertThat(PostgresUrl.type().parse(text)).isEqualTo(url);
    }

    @Test
    void badUrlsAreRefusedWithoutEchoingThePassword() {
        assertThatThrownBy(() -> PostgresUrl.parse("mysql://root:hunter2@db/m0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with jdbc:postgresql:// or postgresql://")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PostgresUrl.parse(" ")).hasMessageContaining("must be set");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql:///m0")).hasMessageContaining("must name a host");
    }

    @Test
    void otherShapesAreRefusedWithoutEchoingThem() {
        for (String bad : new String[] {"mysql://u:hunter2@h/db", "postgresql://u:hunter2@h", "postgresql:///db",
                "postgresql://u:hunter2@h/db/extra", "hunter2", "jdbc:postgresql://h:5432/?password=hunter2"}) {
            assertThatThrownBy(() -> PostgresUrl.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("postgres url: ")
                    .hasMessageNotContaining("hunter2");
            assertThatThrownBy(() -> PostgresUrl.type().parse(bad)).as("config type: " + bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("must ").hasMessageNotContaining("hunter2")
                    .hasMessageNotContaining(", got ");
        }
    }
}
