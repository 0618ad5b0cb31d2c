package com.m0club.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigHashTest {

    private static final String PG = "postgresql://m0:hunter2@db:5432/m0";

    private static Map<String, String> base() {
        Map<String, String> env = new HashMap<>();
        env.put("M0_POSTGRES_URL", PG);
        env.put("M0_PUBLISH_CONCURRENCY", "8");
        return env;
    }

    @Test
    void sameInputSameHash() {
        assertThat(M0Keys.load(base(), Optional.empty()).hash())
                .isEqualTo(M0Keys.load(base(), Optional.empty()).hash())
                .matches("[0-9a-f]{64}");
    }

    @Test
    void anyValueChangeChangesTheHash() {
        String original = M0Keys.load(base(), Optional.empty()).hash();
        Map<String, String> concurrency = base();
        concurrency.put("M0_PUBLISH_CONCURRENCY", "9");
        Map<String, String> added = base();
        added.put("M0_REDIS_URL", "redis://cache:6379");

        assertThat(M0Keys.load(concurrency, Optional.empty()).hash()).isNotEqualTo(original);
        assertThat(M0Keys.load(added, Optional.empty()).hash()).isNotEqualTo(original);
    }

    @Test
    void secretChangeChangesTheHashWithoutRevealingIt() {
        Map<String, String> rotated = base();
        rotated.put("M0_POSTGRES_URL", "postgresql://m0:hunter3@db:5432/m0");

        Config before = M0Keys.load(base(), Optional.empty());
        Config after = M0Keys.load(rotated, Optional.empty());

        assertThat(after.hash()).isNotEqualTo(before.hash());
        assertThat(before.describe()).doesNotContain("hunter2");
    }

    @Test
    void unknownEnvVarsDoNotAffectTheHash() {
        Map<String, String> noisy = base();
        noisy.put("M0_TYPO", "x");
        noisy.put("PATH", "/usr/bin");
        noisy.put("M0_IMAGE_DIGEST", "sha256:feed");

        assertThat(M0Keys.load(noisy, Optional.empty()).hash())
                .isEqualTo(M0Keys.load(base(), Optional.empty()).hash());
    }

    @Test
    void hashIsSha256OfSortedCanonicalLinesWithSecretsHashed() throws Exception {
        ConfigKey<Integer> b = ConfigKey.builder("b_count", ValueTypes.integer()).defaultValue(3).build();
        ConfigKey<String> a = ConfigKey.builder("a_token", ValueTypes.string()).secret().build();
        ConfigKey<String> c = ConfigKey.builder("c_unset", ValueTypes.string()).build();
        ConfigSchema schema = ConfigSchema.builder(M0Keys.ENV).keys(b, a, c).build();

        Config config = ConfigLoader.load(schema, Map.of("M0_A_TOKEN", "s3cret"), Optional.empty());

        String expected = sha256("a_token=" + sha256("s3cret") + "\nb_count=3\nenv=dev\n");
        assertThat(config.hash()).isEqualTo(expected);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
