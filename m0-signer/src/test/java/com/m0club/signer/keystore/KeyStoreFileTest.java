package com.m0club.signer.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.sign.SigningKey;
import com.m0club.signer.LogCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoreFileTest {
    @TempDir
    Path dir;

    private static SecureRandom seeded(int seed) throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(seed);
        return r;
    }

    @Test
    void generatesAnOwnerOnlyHexFileThatLoadsBackToTheSameKey() throws Exception {
        Path file = KeyStoreFile.defaultPath(dir.resolve("data"), 2);
        assertThat(file).isEqualTo(dir.resolve("data/keys/agent-2.key"));

        String publicHex = KeyStoreFile.generate(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(file.getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        String content = Files.readString(file, StandardCharsets.US_ASCII);
        assertThat(content).matches("[0-9a-f]{64}\n");
        SigningKey loaded = KeyStoreFile.load(file);
        assertThat(loaded.publicKey().toHex()).isEqualTo(publicHex);
        assertThat(HexFormat.of().formatHex(loaded.seed())).isEqualTo(content.strip());
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void refusesToOverwriteAnExistingKey() {
        Path file = dir.resolve("agent.key");
        KeyStoreFile.generate(file);
        assertThatThrownBy(() -> KeyStoreFile.generate(file))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("already exists");
    }

    @Test
    void loadOrGenerateCreatesOnceThenLoads() {
        Path file = dir.resolve("keys/agent-0.key");
        SigningKey first = KeyStoreFile.loadOrGenerate(file);
        SigningKey second = KeyStoreFile.loadOrGenerate(file);
        assertThat(second.publicKey()).isEqualTo(first.publicKey());
    }

    @Test
    void refusesAKeyFileAccessibleByGroupOrOthers() throws Exception {
        Path file = dir.resolve("agent.key");
        KeyStoreFile.generate(file);
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw--w----", "rw-------"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            if (mode.equals("rw-------")) {
                assertThat(KeyStoreFile.load(file).publicKey()).isNotNull();
                continue;
            }
            assertThatThrownBy(() -> KeyStoreFile.load(file))
                    .as(mode)
                    .isInstanceOf(KeyFileException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("group or others")
                    .hasMessageContaining(mode)
                    .hasMessageContaining("chmod 600");
        }
    }

    @Test
    void acceptsReadOnlyOwnerFilesAndRawSeedsAndUpperCaseHex() throws Exception {
        SigningKey key = SigningKey.generate(seeded(1));
        Path raw = dir.resolve("raw.key");
        Files.write(raw, key.seed());
        Files.setPosixFilePermissions(raw, PosixFilePermissions.fromString("r--------"));
        assertThat(KeyStoreFile.load(raw).publicKey()).isEqualTo(key.publicKey());

        Path upper = dir.resolve("upper.key");
        Files.writeString(upper, HexFormat.of().formatHex(key.seed()).toUpperCase(Locale.ROOT));
        Files.setPosixFilePermissions(upper, PosixFilePermissions.fromString("rw-------"));
        assertThat(KeyStoreFile.load(upper).publicKey()).isEqualTo(key.publicKey());
    }

    @Test
    void malformedFilesAreRefusedWithoutEchoingTheirContent() throws Exception {
        String secretish = "zz" + "ab".repeat(31); // 64 characters, not all hex
        Path bad = dir.resolve("bad.key");
        Files.writeString(bad, secretish);
        Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> KeyStoreFile.load(bad))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("not a hex digit")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("abab"));

        Path shortFile = dir.resolve("short.key");
        Files.writeString(shortFile, "abcdef");
        Files.setPosixFilePermissions(shortFile, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> KeyStoreFile.load(shortFile))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("64 hex characters")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("abcdef"));

        assertThatThrownBy(() -> KeyStoreFile.load(dir.resolve("missing.key")))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("m0 signer keygen");
    }

    @Test
    void keyMaterialNeverReachesLogsOrToString() throws Exception {
        Path file = dir.resolve("keys/agent-1.key");
        SigningKey key;
        try (LogCapture logs = new LogCapture()) {
            key = KeyStoreFile.generate(file, seeded(42));
            SigningKey loaded = KeyStoreFile.load(file);
            String seedHex = HexFormat.of().formatHex(loaded.seed());
            assertThat(logs.lines()).isNotEmpty().allSatisfy(line -> {
                assertThat(line.toLowerCase(Locale.ROOT)).doesNotContain(seedHex);
            });
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains(key.publicKey().toHex()));
            assertThat(loaded.toString()).doesNotContain(seedHex).contains("redacted");
            assertThat(key.toString()).doesNotContain(seedHex);
        }
    }
}
