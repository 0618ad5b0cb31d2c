package com.m0club.signer.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code m0 signer tls-init} / {@code m0 dev}'s dev PKI: the files and their modes (keys 0600, the directory 0700),
 * the agent names of the StatefulSet, a refusal to overwrite anything, and the idempotent dev path.
 */
class TlsInitTest {
    @TempDir
    Path dir;

    @Test
    void writesOwnerOnlyKeysAndCertificatesNamingTheStatefulSetPods() throws Exception {
        Path out = dir.resolve("tls");
        List<Path> written = TlsInit.create(out, 2, "bundler", "m0-prod");
        TlsInit.Layout f = new TlsInit.Layout(out);
        assertThat(written).containsExactlyInAnyOrder(f.caCert(), f.caKey(), f.clientCert("bundler"),
                f.clientKey("bundler"), f.agentCert(0), f.agentKey(0), f.agentCert(1), f.agentKey(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwx------");
        for (Path key : List.of(f.caKey(), f.clientKey("bundler"), f.agentKey(0), f.agentKey(1))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).as(key.toString())
                    .isEqualTo("rw-------");
            assertThat(Pem.readPrivateKey(key).getAlgorithm()).isEqualTo("EC");
        }
        X509Certificate ca = Pem.readCertificates(f.caCert()).getFirst();
        X509Certificate agent1 = Pem.readCertificates(f.agentCert(1)).getFirst();
        agent1.verify(ca.getPublicKey());
        assertThat(agent1.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList()).contains("localhost",
                "127.0.0.1", "agent-1", "m0-signer-agent-1", "m0-signer-agent-1.m0-signer-agent",
                "m0-signer-agent-1.m0-signer-agent.m0-prod.svc",
                "m0-signer-agent-1.m0-signer-agent.m0-prod.svc.cluster.local");
        assertThat(agent1.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        X509Certificate client = Pem.readCertificates(f.clientCert("bundler")).getFirst();
        assertThat(ClientIdentities.identitiesOf(client)).contains("bundler");
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(ca.getBasicConstraints()).isZero();
        // the files make a working pair of TLS ends
        AgentTls.load(f.agentCert(0), f.agentKey(0), f.caCert(), ClientIdentities.of("bundler"));
        ClientTls.load(f.caCert(), f.clientCert("bundler"), f.clientKey("bundler"));
    }

    @Test
    void refusesToOverwriteAnyFileAndWritesNothingThen() throws Exception {
        Path out = dir.resolve("tls");
        Files.createDirectories(out);
        Path existing = Files.writeString(new TlsInit.Layout(out).agentKey(1), "keep me");
        assertThatThrownBy(() -> TlsInit.create(out, 2, "bundler", "m0-signer"))
                .isInstanceOf(TlsFileException.class).hasMessageContaining(existing.toString())
                .hasMessageContaining("never overwrites");
        assertThat(Files.readString(existing)).isEqualTo("keep me");
        try (var files = Files.list(out)) {
            assertThat(files).containsExactly(existing);
        }
    }

    @Test
    void theDevPathIsIdempotentAndIssuesOnlyWhatIsMissing() throws Exception {
        Path out = dir.resolve("tls");
        assertThat(TlsInit.ensure(out, 1, "bundler", "m0-signer").written()).hasSize(6);
        String ca = Files.readString(out.resolve("ca.crt"));
        assertThat(TlsInit.ensure(out, 1, "bundler", "m0-signer").written()).isEmpty();
        assertThat(TlsInit.ensure(out, 2, "bundler", "m0-signer").written())
                .containsExactly(out.resolve("agent-1.crt"), out.resolve("agent-1.key"));
        assertThat(Files.readString(out.resolve("ca.crt"))).as("the CA is kept").isEqualTo(ca);
        Files.delete(out.resolve("agent-0.key"));
        assertThatThrownBy(() -> TlsInit.ensure(out, 2, "bundler", "m0-signer"))
                .isInstanceOf(TlsFileException.class).hasMessageContaining("agent-0.key: is missing");
    }

    @Test
    void aKeyReadableByOthersIsRefused() throws Exception {
        Path out = dir.resolve("tls");
        TlsInit.create(out, 1, "bundler", "m0-signer");
        Path key = new TlsInit.Layout(out).agentKey(0);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Pem.readPrivateKey(key)).isInstanceOf(TlsFileException.class)
                .hasMessageContaining("group or others").hasMessageContaining("chmod 600");
    }
}
