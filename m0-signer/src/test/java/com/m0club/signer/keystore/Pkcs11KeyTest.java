package com.m0club.signer.keystore;

import static com.m0club.signer.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.sign.QuorumVerifier;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.signer.Fixtures;
import com.m0club.signer.agent.SignResult;
import com.m0club.signer.agent.SignerAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKCS#11 key source against a real token: SoftHSM2 (Debian's {@code softhsm2}, installed by {@code ./m0 test})
 * with its own token directory under a temp dir ({@code SOFTHSM2_CONF} is given to {@code softhsm2-util}; the
 * library reads the same variable, which surefire sets for this module: see m0-signer/pom.xml). An Ed25519 key is
 * generated with the JDK, imported as PKCS#8 ({@code softhsm2-util --import}), and the agent signs with it through
 * {@code CKM_EDDSA}; the signature verifies with the protocol's own verification code against the public key.
 * Skips, loudly, only when SoftHSM2 is not installed.
 */
class Pkcs11KeyTest {
    private static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
    private static final String TOKEN = "m0-agent-test";
    private static Path conf;

    @TempDir
    Path dir;

    @BeforeAll
    static void softHsm() {
        boolean installed = Files.isRegularFile(Path.of(LIBRARY)) && Files.isExecutable(Path.of("/usr/bin/softhsm2-util"));
        if (!installed) {
            System.err.println("!!!! Pkcs11KeyTest SKIPPED: SoftHSM2 is not installed (" + LIBRARY + "); ./m0 test"
                    + " installs Debian's softhsm2 when it runs as root. The PKCS#11 key source is NOT tested here.");
        }
        Assumptions.assumeTrue(installed, "SoftHSM2 is not installed");
        String env = System.getenv("SOFTHSM2_CONF");
        Assumptions.assumeTrue(env != null && !env.isBlank(), "SOFTHSM2_CONF must be set for the test JVM");
        conf = Path.of(env);
    }

    /** Writes the SoftHSM2 config (token dir under {@code dir}) the surefire JVM's SOFTHSM2_CONF names. */
    private void token(String keyLabel, Path pkcs8Pem) throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.createDirectories(tokens);
        Files.createDirectories(conf.getParent());
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
                + "log.level = ERROR\n");
        run("softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--so-pin", "123456", "--pin", "24681357");
        run("softhsm2-util", "--import", pkcs8Pem.toString(), "--token", TOKEN, "--label", keyLabel, "--id", "01",
                "--pin", "24681357");
    }

    private void run(String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SOFTHSM2_CONF", conf.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }

    private Path pinFile(String mode) throws IOException {
        Path pin = dir.resolve("pin");
        Files.writeString(pin, "24681357\n");
        Files.setPosixFilePermissions(pin, PosixFilePermissions.fromString(mode));
        return pin;
    }

    private Path ed25519Pem() throws Exception {
        var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path pem = dir.resolve("ed25519.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return pem;
    }

    private KeySource.Pkcs11 source(String keyLabel, Path pin) {
        return (KeySource.Pkcs11) KeySource.parse("pkcs11:token=" + TOKEN + ";object=" + keyLabel
                + "?module-path=" + LIBRARY + "&pin-source=file:" + pin);
    }

    @Test
    void theAgentSignsWithAnEd25519KeyInSoftHsmAndTheSignatureVerifiesWithItsPublicKey() throws Exception {
        token("agent-key", ed25519Pem());
        try (AgentKey key = source("agent-key", pinFile("rw-------")).open()) {
            assertThat(key).isInstanceOf(Pkcs11Key.class);
            assertThat(key.toString()).contains("agent-key").doesNotContain("24681357");
            EncodedBundle bundle = Fixtures.bundle(1, NOW);
            var set = com.m0club.protocol.sign.SignerSet.builder().id(Fixtures.SET_ID).threshold(1)
                    .allowSingleSigner().key(key.publicKey()).build();
            try (SignerAgent agent = SignerAgent.builder().key(key).signerSet(set).markets(Fixtures.directory())
                    .clock(new ManualClock(NOW)).stateDir(dir.resolve("state"))
                    .signedMarkerFile(dir.resolve("agent.signed")).build()) {
                SignResult r = agent.sign(bundle.bytes());
                assertThat(r).isInstanceOf(SignResult.Signed.class);
                SignerSignature sig = ((SignResult.Signed) r).signature();
                assertThat(sig.key()).isEqualTo(key.publicKey());
                assertThat(sig.verifies(bundle.signedMessage())).isTrue();
                assertThat(QuorumVerifier.verify(set, bundle.header().signerSetId(), bundle.header().sequence(),
                        bundle.bundleHash(), List.of(sig)).passed()).as("the protocol's quorum verification")
                        .isTrue();
                assertThat(Files.exists(dir.resolve("agent.signed"))).as("the signed marker, outside the state dir")
                        .isTrue();
            }
        }
    }

    @Test
    void recoverBindsTheNewJournalToTheTokensKeyAndItsFloorIsEnforced() throws Exception {
        token("agent-key", ed25519Pem());
        KeySource.Pkcs11 source = source("agent-key", pinFile("rw-------"));
        Path marker = dir.resolve("marker/agent.signed");
        Files.createDirectories(marker.getParent());
        String report = com.m0club.signer.agent.SignerAgentMain.recover(dir.resolve("state"), source, marker,
                Fixtures.SET_ID, 5);
        assertThat(report).contains("floor 5");
        try (AgentKey key = source.open()) {
            var set = com.m0club.protocol.sign.SignerSet.builder().id(Fixtures.SET_ID).threshold(1)
                    .allowSingleSigner().key(key.publicKey()).build();
            try (SignerAgent agent = SignerAgent.builder().key(key).signerSet(set).markets(Fixtures.directory())
                    .clock(new ManualClock(NOW)).stateDir(dir.resolve("state")).signedMarkerFile(marker).build()) {
                assertThat(agent.sign(Fixtures.bundle(5, NOW).bytes())).isInstanceOf(SignResult.Refused.class);
                assertThat(agent.sign(Fixtures.bundle(6, NOW).bytes())).isInstanceOf(SignResult.Signed.class);
            }
        }
    }

    @Test
    void aPinFileReadableByOthersOrAWrongLabelRefusesToStart() throws Exception {
        token("agent-key", ed25519Pem());
        assertThatThrownBy(() -> source("agent-key", pinFile("rw-r--r--")).open())
                .isInstanceOf(KeySourceException.class).hasMessageContaining("group or others");
        assertThatThrownBy(() -> source("no-such-key", pinFile("rw-------")).open())
                .isInstanceOf(KeySourceException.class).hasMessageContaining("no Ed25519 private key labelled");
    }

    @Test
    void keySourceUrisAreStrict() {
        assertThat(KeySource.parse("file:/keys/agent.key")).isEqualTo(new KeySource.File(Path.of("/keys/agent.key")));
        assertThatThrownBy(() -> KeySource.parse("pkcs11:token=t;object=k?pin-source=file:/p"))
                .isInstanceOf(KeySourceException.class).hasMessageContaining("module-path");
        assertThatThrownBy(() -> KeySource.parse("pkcs11:token=t;object=k;colour=red?module-path=/l&pin-source=/p"))
                .isInstanceOf(KeySourceException.class).hasMessageContaining("unknown attribute 'colour'");
        assertThatThrownBy(() -> KeySource.parse("vault:agent"))
                .isInstanceOf(KeySourceException.class).hasMessageContaining("file:<path> or pkcs11:");
        KeySource.Pkcs11 p = (KeySource.Pkcs11) KeySource.parse(
                "pkcs11:token=my%20token;object=agent-key?module-path=/usr/lib/x.so&pin-source=file:/run/pin");
        assertThat(p.token()).contains("my token");
        assertThat(p.pinFile()).isEqualTo(Path.of("/run/pin"));
    }
}
