package com.m0club.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.sign.SigningKey;
import com.m0club.runtime.config.Profile;
import com.m0club.store.TestPostgres;
import com.m0club.store.postgres.Database;
import com.m0club.store.registry.SignerSetStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code m0 signer-set} on a real PostgreSQL schema. */
class SignerSetCommandTest {
    @TempDir
    Path dir;

    private Database db;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        db = TestPostgres.freshMigratedDatabase(new PrometheusRegistry());
    }

    @AfterEach
    void tearDown() {
        TestPostgres.drop(db);
    }

    private int run(Profile profile, String... argv) {
        return SignerSetCommand.run(List.of(argv), new SignerSetCommand.Context() {
            @Override
            public Database database() {
                return db;
            }

            @Override
            public Profile profile() {
                return profile;
            }
        }, new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private static String keys(int n) {
        SecureRandom random = new SecureRandom();
        return IntStream.range(0, n).mapToObj(i -> SigningKey.generate(random).publicKey().toHex())
                .collect(Collectors.joining(","));
    }

    @Test
    void registeringStoresTheSetOnceAndASecondIdenticalRegistrationChangesNothing() {
        String keys = keys(3);
        assertThat(run(Profile.STAGING, "register", "--id", "4", "--threshold", "2", "--key", keys)).isZero();
        assertThat(run(Profile.STAGING, "register", "--id", "4", "--threshold", "2", "--key", keys)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("registered signer set 4: 2 of 3, ACTIVE")
                .contains("already registered signer set 4");
        var stored = new SignerSetStore(db, InstantSource.system()).get(4).orElseThrow();
        assertThat(stored.threshold()).isEqualTo(2);
        assertThat(stored.keys()).hasSize(3);
    }

    @Test
    void stagingAndProdRefuseAThresholdBelowTwoNamingTheRule() {
        for (Profile p : List.of(Profile.STAGING, Profile.PROD)) {
            assertThatThrownBy(() -> run(p, "register", "--id", "5", "--threshold", "1", "--key", keys(1)))
                    .isInstanceOf(Args.UsageException.class).hasMessageContaining("--threshold 1 is refused")
                    .hasMessageContaining("at least 2 signatures");
        }
        assertThat(new SignerSetStore(db, InstantSource.system()).get(5)).isEmpty();
    }

    @Test
    void aSetWithAnActivationTimeIsPendingUntilThen() {
        assertThat(run(Profile.STAGING, "register", "--id", "6", "--threshold", "2", "--key", keys(2),
                "--activate-at", "4102444800000")).isZero();
        assertThat(new SignerSetStore(db, InstantSource.system()).get(6).orElseThrow().status().name())
                .isEqualTo("PENDING");
    }

    @Test
    void agentConfigWritesTheSetAndNeverOverwrites() throws Exception {
        assertThat(run(Profile.DEV, "register", "--id", "8", "--threshold", "2", "--key", keys(3))).isZero();
        Path file = dir.resolve("agents.json");
        assertThat(run(Profile.DEV, "agent-config", "--id", "8", "--out", file.toString())).isZero();
        assertThat(Files.readString(file)).contains("\"signer_set\"").contains("\"threshold\" : 2");
        assertThatThrownBy(() -> run(Profile.DEV, "agent-config", "--id", "8", "--out", file.toString()))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("is never overwritten");
        assertThatThrownBy(() -> run(Profile.DEV, "agent-config", "--id", "99", "--out",
                dir.resolve("other.json").toString())).isInstanceOf(Args.UsageException.class)
                .hasMessageContaining("signer set 99 is not registered");
    }
}
