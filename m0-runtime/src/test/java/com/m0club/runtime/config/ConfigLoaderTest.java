package com.m0club.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path toml(String text) throws IOException {
        Path file = dir.resolve("m0.toml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void envOverridesTomlOverridesDefault() throws IOException {
        Path file = toml("""
                [publish]
                concurrency = 8
                [admin]
                port = 9191
                """);

        Config config = M0Keys.load(Map.of("M0_PUBLISH_CONCURRENCY", "16"), Optional.of(file));

        assertThat(config.get(M0Keys.PUBLISH_CONCURRENCY)).isEqualTo(16);
        assertThat(config.source(M0Keys.PUBLISH_CONCURRENCY)).contains(new ValueSource.Env("M0_PUBLISH_CONCURRENCY"));
        assertThat(config.get(M0Keys.ADMIN_PORT)).isEqualTo(9191);
        assertThat(config.source(M0Keys.ADMIN_PORT)).contains(new ValueSource.Toml(file, "admin.port"));
        assertThat(config.get(M0Keys.API_PORT)).isEqualTo(8080);
        assertThat(config.source(M0Keys.API_PORT).map(ValueSource::kind)).contains(ValueSource.Kind.DEFAULT);
    }

    @Test
    void devDefaultsNeedNoInput() {
        Config config = M0Keys.load(Map.of(), Optional.empty());

        assertThat(config.profile()).isEqualTo(Profile.DEV);
        assertThat(config.get(M0Keys.ROLES)).containsExactlyInAnyOrder(Role.values());
        assertThat(config.get(M0Keys.DATA_DIR)).isEqualTo(Path.of("./.m0"));
        assertThat(config.get(M0Keys.SIGNER_SET_ID)).isEqualTo(1L);
        assertThat(config.get(M0Keys.PUBLISH_CONCURRENCY)).isEqualTo(1);
        assertThat(config.get(M0Keys.MARKET_TIER_POLICY)).isEqualTo(MarketTierPolicy.NORMAL);
        assertThat(config.get(M0Keys.ADMIN_PORT)).isEqualTo(9090);
        assertThat(config.get(M0Keys.MARKETS_FILE)).isEqualTo(Path.of("config/markets.toml"));
        assertThat(config.get(M0Keys.DEV_EPOCH_WINDOW_MS)).isEqualTo(60_000L);
        assertThat(config.get(M0Keys.DEV_FINALIZATION_DELAY_MS)).isEqualTo(10_000L);
        assertThat(config.get(M0Keys.DEV_SIGNER_COUNT)).isEqualTo(3);
        assertThat(config.get(M0Keys.DEV_SIGNER_THRESHOLD)).isEqualTo(2);
        assertThat(config.find(M0Keys.POSTGRES_URL)).isEmpty();
        assertThat(config.warnings()).isEmpty();
        assertThat(M0Keys.summary(config).roles()).first().isEqualTo("ingestor");
    }

    @Test
    void optionalKeyWithoutValueIsEmptyAndGetNamesIt() {
        Config config = M0Keys.load(Map.of(), Optional.empty());

        assertThat(config.find(M0Keys.REDIS_URL)).isEmpty();
        assertThat(config.source(M0Keys.REDIS_URL)).isEmpty();
        assertThatThrownBy(() -> config.get(M0Keys.REDIS_URL))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("redis_url").hasMessageContaining("M0_REDIS_URL");
    }

    @Test
    void errorFromEnvNamesKeyAndVariable() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> M0Keys.load(Map.of("M0_PUBLISH_CONCURRENCY", "abc"), Optional.empty()));

        assertThat(e.problems()).containsExactly(
                "publish_concurrency (from ENV M0_PUBLISH_CONCURRENCY): must be an integer, got 'abc'");
    }

    @Test
    void ledgerRetentionBelowPublishRetentionIsRefused() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> M0Keys.load(
                Map.of("M0_LEDGER_RETENTION_HOURS", "12", "M0_PUBLISH_RETENTION_HOURS", "48"), Optional.empty()));

        assertThat(String.join("\n", e.problems())).contains("ledger_retention_hours must be at least"
                + " publish_retention_hours");
        assertThat(M0Keys.load(Map.of("M0_LEDGER_RETENTION_HOURS", "48", "M0_PUBLISH_RETENTION_HOURS", "48"),
                Optional.empty()).get(M0Keys.LEDGER_RETENTION_HOURS)).isEqualTo(48L);
    }

    @Test
    void errorFromTomlNamesKeyFileAndPath() throws IOException {
        Path file = toml("publish.concurrency = 100\n");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> M0Keys.load(Map.of(), Optional.of(file)));

        assertThat(e.problems()).containsExactly("publish_concurrency (from TOML " + file
                + ":publish.concurrency): must be between 1 and 64, got '100'");
    }

    @Test
    void badDefaultIsReportedAsFromDefault() {
        ConfigKey<Integer> broken = ConfigKey.builder("workers", ValueTypes.integer())
                .defaultValue(0).rule(Rule.between(1, 8)).build();
        ConfigSchema schema = ConfigSchema.builder(M0Keys.ENV).key(broken).build();

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(schema, Map.of(), Optional.empty()));

        assertThat(e.problems()).containsExactly("workers (from default): must be between 1 and 8, got '0'");
    }

    @Test
    void allProblemsAreReportedTogether() throws IOException {
        Path file = toml("""
                [admin]
                port = 70000
                """);
        Map<String, String> env = Map.of(
                "M0_PUBLISH_CONCURRENCY", "0",
                "M0_MARKET_TIER_POLICY", "LOOSE",
                "M0_ROLES", "quant,chef",
                "SOLANA_RPC_URL", "ftp://rpc.example");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> M0Keys.load(env, Optional.of(file)));

        assertThat(e.problems()).hasSize(5);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("publish_concurrency (from ENV"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .isEqualTo("market_tier_policy (from ENV M0_MARKET_TIER_POLICY): must be one of "
                        + "PERMISSIVE|NORMAL|STRICT, got 'LOOSE'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("roles (from ENV M0_ROLES): entry 2 must be one of ingestor|"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("solana_rpc_url (from ENV SOLANA_RPC_URL): must be a URL with scheme http or https"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("admin_port (from TOML " + file));
        assertThat(e.getMessage()).startsWith("invalid configuration (5 problems):");
    }

    @Test
    void unknownTomlKeyIsAnErrorWithSuggestion() throws IOException {
        Path file = toml("""
                [postgres]
                urll = "postgresql://m0:pw@localhost:5432/m0"
                [publsh]
                concurrency = 2
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> M0Keys.load(Map.of(), Optional.of(file)));

        assertThat(e.problems()).containsExactly(
                "postgres.urll (from TOML " + file + ":postgres.urll): unknown key, did you mean postgres.url?",
                "publsh (from TOML " + file + ":publsh): unknown key, did you mean publish?");
        assertThat(e.getMessage()).doesNotContain("pw@");
    }

    @Test
    void tableWhereValueExpectedIsAnError() throws IOException {
        Path file = toml("""
                [publish.concurrency]
                value = 3
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> M0Keys.load(Map.of(), Optional.of(file)));

        assertThat(e.problems()).singleElement().asString()
                .startsWith("publish.concurrency (from TOML ").contains("got a table");
    }

    @Test
    void unknownM0EnvVarIsAWarningNotAnError() {
        Config config = M0Keys.load(Map.of(
                "M0_PUBLSH_CONCURRENCY", "9",
                "M0_IMAGE_DIGEST", "sha256:abc",
                "HOME", "/root"), Optional.empty());

        assertThat(config.warnings()).containsExactly("unknown environment variable M0_PUBLSH_CONCURRENCY is "
                + "ignored (did you mean M0_PUBLISH_CONCURRENCY?)");
    }

    @Test
    void emptyEnvValueCountsAsUnset() throws IOException {
        Path file = toml("publish.concurrency = 7\n");

        Config config = M0Keys.load(Map.of("M0_PUBLISH_CONCURRENCY", ""), Optional.of(file));

        assertThat(config.get(M0Keys.PUBLISH_CONCURRENCY)).isEqualTo(7);
    }

    @Test
    void tomlArraysAndCommaListsMeanTheSame() throws IOException {
        Path file = toml("""
                roles = ["quant", "ingestor"]
                [signer]
                endpoints = ["http://signer-0:8443", "https://signer-1:8443"]
                """);

        Config fromToml = M0Keys.load(Map.of(), Optional.of(file));
        Config fromEnv = M0Keys.load(Map.of("M0_ROLES", "ingestor, quant",
                "M0_SIGNER_ENDPOINT", "http://signer-0:8443,https://signer-1:8443"), Optional.empty());

        assertThat(fromToml.get(M0Keys.ROLES)).isEqualTo(EnumSet.of(Role.INGESTOR, Role.QUANT));
        assertThat(fromToml.get(M0Keys.SIGNER_ENDPOINTS))
                .containsExactly(URI.create("http://signer-0:8443"), URI.create("https://signer-1:8443"));
        assertThat(fromToml.hash()).isEqualTo(fromEnv.hash());
    }

    @Test
    void prodRequiresExternalDependencies() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> M0Keys.load(Map.of("M0_ENV", "prod"), Optional.empty()));

        assertThat(e.problems()).containsExactly(
                "roles (not set): required when env=prod, set ENV M0_ROLES or TOML roles",
                "postgres_url (not set): required when env=prod, set ENV M0_POSTGRES_URL or TOML postgres.url",
                "signer_endpoints (not set): required when env=prod, set ENV M0_SIGNER_ENDPOINT or TOML "
                        + "signer.endpoints",
                "signer_set_id (not set): required when env=prod, set ENV M0_SIGNER_SET_ID or TOML signer.set_id");
    }

    @Test
    void stagingWithEverythingSetLoadsAndHasNoDevKeys() {
        Config config = M0Keys.load(Map.of(
                "M0_ENV", "staging",
                "M0_ROLES", "bundler",
                "M0_POSTGRES_URL", "jdbc:postgresql://db:5432/m0?user=m0&password=s3cr3t",
                "M0_SIGNER_ENDPOINT", "https://signer-0.m0:8443",
                "M0_SIGNER_SET_ID", "7"), Optional.empty());

        assertThat(config.profile()).isEqualTo(Profile.STAGING);
        assertThat(config.get(M0Keys.POSTGRES_URL).jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/m0");
        assertThat(config.get(M0Keys.SIGNER_SET_ID)).isEqualTo(7L);
        assertThat(config.find(M0Keys.DEV_SIGNER_COUNT)).isEmpty();
        assertThat(config.find(M0Keys.DEV_EPOCH_WINDOW_MS)).isEmpty();
    }

    @Test
    void invalidProfileIsReportedAndOtherKeysStillChecked() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> M0Keys.load(
                Map.of("M0_ENV", "production", "M0_ADMIN_PORT", "-1"), Optional.empty()));

        assertThat(e.problems()).containsExactly(
                "env (from ENV M0_ENV): must be one of dev|staging|prod, got 'production'",
                "admin_port (from ENV M0_ADMIN_PORT): must be between 0 and 65535, got '-1'");
    }

    @Test
    void crossKeyConstraintNamesBothKeys() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> M0Keys.load(Map.of("M0_DEV_SIGNER_THRESHOLD", "4"), Optional.empty()));

        assertThat(e.problems()).containsExactly("dev_signer_threshold, dev_signer_count: dev_signer_threshold "
                + "must not exceed dev_signer_count, got dev_signer_threshold='4' (from ENV M0_DEV_SIGNER_THRESHOLD), "
                + "dev_signer_count='3' (from default)");
    }

    @Test
    void secretsNeverAppearInErrors() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> M0Keys.load(Map.of(
                "M0_POSTGRES_URL", "mysql://m0:hunter2@db:3306/m0",
                "M0_REDIS_URL", "http://:hunter3@cache:6379",
                "M0_EVENTLOG_URL", "not a url password=hunter4"), Optional.empty()));

        assertThat(e.problems()).contains(
                "postgres_url (from ENV M0_POSTGRES_URL): " + PostgresUrl.RULE + ", got <redacted secret>",
                "redis_url (from ENV M0_REDIS_URL): must be a URL with scheme redis or rediss and a host, "
                        + "got <redacted secret>");
        assertThat(e.getMessage()).doesNotContain("hunter2", "hunter3", "hunter4")
                .contains("eventlog_url (from ENV M0_EVENTLOG_URL)");
    }

    @Test
    void describeRedactsSecretsAndNamesSources() {
        Config config = M0Keys.load(Map.of(
                "M0_POSTGRES_URL", "postgresql://m0:hunter2@db:5432/m0",
                "M0_EVENTLOG_URL", "kafka://svc:topsecret@broker:9092",
                "SOLANA_RPC_URL", "https://rpc.example/?api_key=abc123"), Optional.empty());

        String text = config.describe();

        assertThat(text).contains("postgres_url = *** (ENV M0_POSTGRES_URL)")
                .contains("eventlog_url = kafka://svc:***@broker:9092 (ENV M0_EVENTLOG_URL)")
                .contains("solana_rpc_url = https://rpc.example/?api_key=*** (ENV SOLANA_RPC_URL)")
                .contains("publish_concurrency = 1 (default)")
                .contains("redis_url = <unset>")
                .contains("hash=" + config.hash())
                .doesNotContain("hunter2", "topsecret", "abc123");
        assertThat(config.toString()).doesNotContain("hunter2");
        assertThat(config.get(M0Keys.POSTGRES_URL).toString()).doesNotContain("hunter2");
    }

    @Test
    void missingAndMalformedTomlFilesAreErrors() throws IOException {
        Path missing = dir.resolve("absent.toml");
        assertThatThrownBy(() -> M0Keys.load(Map.of(), Optional.of(missing)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(missing + ": not found");

        Path bad = toml("[postgres\nurl = 'postgresql://u:pw@h/db'\n");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> M0Keys.load(Map.of(), Optional.of(bad)));
        assertThat(e.problems()).singleElement().asString().startsWith("TOML file " + bad + ": not valid TOML");
    }

    @Test
    void keyNotInSchemaIsRejected() {
        ConfigKey<String> foreign = ConfigKey.builder("foreign", ValueTypes.string()).build();
        Config config = M0Keys.load(Map.of(), Optional.empty());

        assertThatThrownBy(() -> config.find(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("foreign");
    }

    @Test
    void schemasComposeAndRejectClashes() {
        ConfigKey<Integer> extra = ConfigKey.builder("engine_shards", ValueTypes.integer()).defaultValue(2).build();
        ConfigSchema schema = ConfigSchema.builder(M0Keys.ENV).include(M0Keys.schema()).key(extra).build();

        Config config = ConfigLoader.load(schema, Map.of("M0_ENGINE_SHARDS", "5"), Optional.empty());

        assertThat(config.get(extra)).isEqualTo(5);
        assertThat(config.get(M0Keys.PUBLISH_CONCURRENCY)).isEqualTo(1);
        ConfigKey<Integer> clash = ConfigKey.builder("other", ValueTypes.integer()).env("M0_API_PORT").build();
        assertThatThrownBy(() -> ConfigSchema.builder(M0Keys.ENV).include(M0Keys.schema()).key(clash).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("M0_API_PORT");
    }

    @Test
    void keyBuilderRejectsContradictions() {
        assertThatThrownBy(() -> ConfigKey.builder("x", ValueTypes.integer()).defaultValue(1)
                .requiredIn(Profile.PROD).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("required");
        assertThatThrownBy(() -> ConfigKey.builder("Bad-Name", ValueTypes.integer()).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(List.of(ConfigKey.builder("abc", ValueTypes.integer()).build().envVar())).containsExactly("M0_ABC");
    }
}
