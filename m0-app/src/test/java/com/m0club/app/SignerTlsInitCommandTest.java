package com.m0club.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code m0 signer tls-init}: writes the dev PKI with owner-only keys, and refuses to overwrite it (exit 1). */
class SignerTlsInitCommandTest {
    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... argv) {
        return Main.run(List.of(argv), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesOwnerOnlyKeysAndRefusesToOverwrite() throws Exception {
        Path tls = dir.resolve("tls");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(out, err, "signer", "tls-init", "--out", tls.toString(), "--agents", "2", "--client-id",
                "bundler")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("wrote " + tls.resolve("agent-1.key"), "M0_SIGNER_TLS_ALLOWED_CLIENTS=bundler");
        for (String key : List.of("ca.key", "agent-0.key", "agent-1.key", "bundler.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(key)))).as(key)
                    .isEqualTo("rw-------");
        }
        String ca = Files.readString(tls.resolve("ca.crt"));

        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertThat(run(new ByteArrayOutputStream(), err2, "signer", "tls-init", "--out", tls.toString()))
                .isEqualTo(1);
        assertThat(err2.toString()).contains("already exists").contains("never overwrites");
        assertThat(Files.readString(tls.resolve("ca.crt"))).isEqualTo(ca);

        ByteArrayOutputStream err3 = new ByteArrayOutputStream();
        assertThat(run(new ByteArrayOutputStream(), err3, "signer", "tls-init", "--out", dir.resolve("x").toString(),
                "--agents", "zero")).isEqualTo(2);
        assertThat(err3.toString()).contains("--agents must be an integer");
    }
}
