package com.m0club.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.signer.RefusalReason;
import com.m0club.signer.agent.SignerAgent;
import com.m0club.signer.guard.GuardDecision;
import com.m0club.signer.guard.ReplayGuard;
import com.m0club.signer.guard.ReplayGuardException;
import com.m0club.signer.keystore.KeyStoreFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code m0 signer-agent recover --min-sequence N}: a lost journal is replaced by one whose floor N is enforced. */
class SignerAgentRecoverCommandTest {
    @TempDir
    Path dir;

    private static Hash32 hash(int i) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) i);
        return Hash32.of(b);
    }

    private ReplayGuard guard(Path state, Path keyFile) {
        SigningKey key = KeyStoreFile.load(keyFile);
        return ReplayGuard.builder(state).publicKey(key.publicKey().toByteArray())
                .signedMarker(SignerAgent.Builder.signedMarker(keyFile)).open();
    }

    @Test
    void recoverWritesAFloorTheAgentEnforces() throws Exception {
        Path keyFile = dir.resolve("keys/agent-0.key");
        KeyStoreFile.generate(keyFile);
        Path state = dir.resolve("state");
        try (ReplayGuard g = guard(state, keyFile)) {
            for (int s = 1; s <= 3; s++) {
                g.authorize(1, s, hash(s));
            }
        }
        try (var files = Files.list(state)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("replay-guard.journal")).toList()) {
                Files.delete(p);
            }
        }
        assertThatThrownBy(() -> guard(state, keyFile)).isInstanceOf(ReplayGuardException.class)
                .hasMessageContaining("Runbook: signer agent journal damaged or lost");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of("signer-agent", "recover", "--min-sequence", "3", "--state-dir", state.toString(),
                        "--key", keyFile.toString(), "--signer-set", "1"), Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("floor 3");

        try (ReplayGuard g = guard(state, keyFile)) {
            for (int s = 1; s <= 3; s++) {
                assertThat(g.authorize(1, s, hash(50 + s))).as("sequence %d <= floor", s)
                        .isInstanceOfSatisfying(GuardDecision.Refused.class, r -> assertThat(r.reason())
                                .isEqualTo(RefusalReason.SEQUENCE_BELOW_HIGH_WATER_MARK));
            }
            assertThat(g.authorize(1, 4, hash(4))).isInstanceOf(GuardDecision.Authorized.class);
        }
    }

    @Test
    void recoverNeedsTheFloorAndTheFilesFromFlagsOrEnvironment() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
        assertThat(Main.run(List.of("signer-agent", "recover", "--state-dir", "x", "--key", "y"), Map.of(), ps, ps))
                .isEqualTo(2);
        assertThat(Main.run(List.of("signer-agent", "recover", "--min-sequence", "1"), Map.of(), ps, ps))
                .isEqualTo(2);
        assertThat(Main.run(List.of("signer-agent", "recover", "--min-sequence", "-1", "--state-dir", "x", "--key",
                "y"), Map.of(), ps, ps)).isEqualTo(2);
        assertThat(sink.toString(StandardCharsets.UTF_8)).contains("--min-sequence").contains("--state-dir");
    }
}
