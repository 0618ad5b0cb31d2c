package com.m0club.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuoteSourceSettingTest {
    private static final Map<String, String> STAGING = Map.of(
            "M0_ENV", "staging",
            "M0_ROLES", "ingestor",
            "M0_POSTGRES_URL", "jdbc:postgresql://db:5432/m0?user=m0",
            "M0_SIGNER_ENDPOINT", "https://signer-0.m0:8443",
            "M0_SIGNER_SET_ID", "7");

    private static Config load(Map<String, String> base, String key, String value) {
        Map<String, String> env = new java.util.HashMap<>(base);
        env.put(key, value);
        return M0Keys.load(env, Optional.empty());
    }

    @Test
    void devDefaultsToTheSimulatorAndOtherProfilesHaveNoDefault() {
        assertThat(M0Keys.load(Map.of(), Optional.empty()).get(M0Keys.QUOTE_SOURCE))
                .isEqualTo(new QuoteSourceSetting.Simulator());
        assertThat(M0Keys.load(STAGING, Optional.empty()).find(M0Keys.QUOTE_SOURCE)).isEmpty();
    }

    @Test
    void jsonlNamesAFile() {
        Config config = load(STAGING, "M0_QUOTE_SOURCE", "jsonl:/data/quotes.jsonl");
        assertThat(config.get(M0Keys.QUOTE_SOURCE)).isEqualTo(new QuoteSourceSetting.Jsonl(Path.of(
                "/data/quotes.jsonl")));
        assertThat(config.get(M0Keys.QUOTE_SOURCE)).hasToString("jsonl:/data/quotes.jsonl");
        assertThat(load(Map.of(), "M0_QUOTE_SOURCE", " simulator ").get(M0Keys.QUOTE_SOURCE))
                .isEqualTo(new QuoteSourceSetting.Simulator());
    }

    @Test
    void anythingElseIsRefusedNamingTheKey() {
        for (String bad : new String[] {"kafka://x", "jsonl:", "jsonl:  ", "Simulator", "simulator,,connectors",
                "simulator,simulator", "http:/x.toml"}) {
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> load(Map.of(), "M0_QUOTE_SOURCE", bad));
            assertThat(e.problems()).as(bad).singleElement().asString()
                    .startsWith("quote_source (from ENV M0_QUOTE_SOURCE): must be simulator, jsonl:<path> or"
                            + " connectors, or a comma-separated list of them");
        }
    }

    @Test
    void aCommaListCombinesSourcesInOrder() {
        Map<String, String> env = new java.util.HashMap<>(STAGING);
        env.put("M0_CONNECTORS_FILE", "/etc/m0/connectors.toml");
        Config config = load(env, "M0_QUOTE_SOURCE", " simulator , connectors,jsonl:/data/q.jsonl");
        QuoteSourceSetting setting = config.get(M0Keys.QUOTE_SOURCE);
        assertThat(setting.parts()).containsExactly(new QuoteSourceSetting.Simulator(),
                new QuoteSourceSetting.Connectors(), new QuoteSourceSetting.Jsonl(Path.of("/data/q.jsonl")));
        assertThat(setting).hasToString("simulator,connectors,jsonl:/data/q.jsonl");
        assertThat(setting.usesConnectors()).isTrue();
        assertThat(config.get(M0Keys.CONNECTORS_FILE)).isEqualTo(Path.of("/etc/m0/connectors.toml"));
    }

    @Test
    void connectorsAndTheConnectorsFileComeTogether() {
        ConfigException missing = catchThrowableOfType(ConfigException.class,
                () -> load(STAGING, "M0_QUOTE_SOURCE", "connectors"));
        assertThat(missing.problems()).singleElement().asString()
                .startsWith("quote_source: connectors in quote_source needs connectors_file (M0_CONNECTORS_FILE)");
        ConfigException unused = catchThrowableOfType(ConfigException.class,
                () -> load(Map.of(), "M0_CONNECTORS_FILE", "/etc/m0/connectors.toml"));
        assertThat(unused.problems()).singleElement().asString()
                .startsWith("connectors_file: connectors_file is read only when quote_source lists connectors");
    }
}
