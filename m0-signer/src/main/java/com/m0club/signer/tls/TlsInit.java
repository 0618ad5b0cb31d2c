package com.m0club.signer.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The dev PKI of {@code m0 signer tls-init} and {@code m0 dev}: one CA, one server certificate per agent and one
 * client certificate for the bundler, as PEM files in one directory ({@link Layout}). Keys are written {@code 0600},
 * certificates {@code 0644}, the directory (when created here) {@code 0700}; nothing is ever overwritten.
 *
 * <p>Agent {@code n}'s certificate (CN {@code agent-<n>}) names {@code localhost}, {@code 127.0.0.1}, {@code ::1},
 * {@code agent-<n>} and the DNS names of pod {@code n} of the {@code m0-signer-agent} StatefulSet behind its
 * headless Service of the same name in the given namespace: {@code m0-signer-agent-<n>},
 * {@code m0-signer-agent-<n>.m0-signer-agent}, {@code ...<namespace>.svc} and {@code ...<namespace>.svc.cluster.local}.
 * The client certificate has CN and DNS name {@code <client id>} (the agents' default allowed identity is
 * {@code bundler}). For production use certificates from your own CA (cert-manager); these are for dev and tests.
 */
public final class TlsInit {
    public static final String DEFAULT_CLIENT_ID = "bundler";
    public static final String DEFAULT_NAMESPACE = "m0-signer";
    /** The StatefulSet (and headless Service) name the agent certificates are issued for. */
    public static final String STATEFUL_SET = "m0-signer-agent";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(825);

    private TlsInit() {}

    /** Where the files of one dev PKI live. */
    public record Layout(Path dir) {
        public Path caCert() {
            return dir.resolve("ca.crt");
        }

        public Path caKey() {
            return dir.resolve("ca.key");
        }

        public Path agentCert(int n) {
            return dir.resolve("agent-" + n + ".crt");
        }

        public Path agentKey(int n) {
            return dir.resolve("agent-" + n + ".key");
        }

        public Path clientCert(String clientId) {
            return dir.resolve(clientId + ".crt");
        }

        public Path clientKey(String clientId) {
            return dir.resolve(clientId + ".key");
        }
    }

    /**
     * Creates a new CA, {@code agents} agent certificates and the client certificate in {@code dir} (created if
     * missing). Refuses, before writing anything, when any of the files already exists.
     *
     * @return the files written, in order
     */
    public static List<Path> create(Path dir, int agents, String clientId, String namespace) {
        checkArgs(agents, clientId, namespace);
        Layout layout = new Layout(dir);
        List<Path> targets = new ArrayList<>(List.of(layout.caCert(), layout.caKey(), layout.clientCert(clientId),
                layout.clientKey(clientId)));
        for (int n = 0; n < agents; n++) {
            targets.add(layout.agentCert(n));
            targets.add(layout.agentKey(n));
        }
        for (Path p : targets) {
            if (Files.exists(p)) {
                throw new TlsFileException(p, "already exists; tls-init never overwrites (choose an empty --out"
                        + " directory, or move the old files away)");
            }
        }
        return ensure(dir, agents, clientId, namespace).written();
    }

    /** What {@link #ensure} found and wrote. */
    public record Result(Layout layout, List<Path> written) {}

    /**
     * Creates whatever of the dev PKI is missing (the {@code m0 dev} path: idempotent). An existing CA is reused
     * (its key must be there if anything has to be issued); an agent or client whose certificate and key both exist
     * is kept; a certificate without its key (or the reverse) is an error naming the file.
     */
    public static Result ensure(Path dir, int agents, String clientId, String namespace) {
        checkArgs(agents, clientId, namespace);
        Layout layout = new Layout(dir);
        List<Path> written = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.toAbsolutePath().getParent());
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new TlsFileException(dir, "cannot be created: " + e.getMessage(), e);
        }
        boolean haveCa = pair(layout.caCert(), layout.caKey());
        List<Integer> missingAgents = new ArrayList<>();
        for (int n = 0; n < agents; n++) {
            if (!pair(layout.agentCert(n), layout.agentKey(n))) {
                missingAgents.add(n);
            }
        }
        boolean missingClient = !pair(layout.clientCert(clientId), layout.clientKey(clientId));
        if (missingAgents.isEmpty() && !missingClient && haveCa) {
            return new Result(layout, List.of());
        }
        X509Certificate ca;
        PrivateKey caKey;
        if (haveCa) {
            ca = Pem.readCertificates(layout.caCert()).getFirst();
            caKey = Pem.readPrivateKey(layout.caKey());
        } else {
            KeyPair keys = CertificateBuilder.newKeyPair(random);
            ca = CertificateBuilder.of("M0Club signer dev CA", CertificateBuilder.Usage.CA).validity(CA_VALIDITY)
                    .random(random).selfSigned(keys);
            caKey = keys.getPrivate();
            Pem.writePrivateKey(layout.caKey(), caKey);
            Pem.writeCertificates(layout.caCert(), List.of(ca));
            written.add(layout.caCert());
            written.add(layout.caKey());
        }
        if (missingClient) {
            KeyPair keys = CertificateBuilder.newKeyPair(random);
            X509Certificate cert = CertificateBuilder.of(clientId, CertificateBuilder.Usage.CLIENT)
                    .dns(clientId).validity(LEAF_VALIDITY).random(random).issuedBy(keys.getPublic(), ca, caKey);
            Pem.writePrivateKey(layout.clientKey(clientId), keys.getPrivate());
            Pem.writeCertificates(layout.clientCert(clientId), List.of(cert));
            written.add(layout.clientCert(clientId));
            written.add(layout.clientKey(clientId));
        }
        for (int n : missingAgents) {
            KeyPair keys = CertificateBuilder.newKeyPair(random);
            X509Certificate cert = CertificateBuilder.of("agent-" + n, CertificateBuilder.Usage.SERVER)
                    .dns(agentDnsNames(n, namespace).toArray(String[]::new)).ip("127.0.0.1", "::1")
                    .validity(LEAF_VALIDITY).random(random).issuedBy(keys.getPublic(), ca, caKey);
            Pem.writePrivateKey(layout.agentKey(n), keys.getPrivate());
            Pem.writeCertificates(layout.agentCert(n), List.of(cert));
            written.add(layout.agentCert(n));
            written.add(layout.agentKey(n));
        }
        return new Result(layout, List.copyOf(written));
    }

    /** The DNS subjectAltNames of agent {@code n}'s certificate. */
    public static List<String> agentDnsNames(int n, String namespace) {
        String pod = STATEFUL_SET + "-" + n;
        String svc = pod + "." + STATEFUL_SET;
        return List.of("localhost", "agent-" + n, pod, svc, svc + "." + namespace + ".svc",
                svc + "." + namespace + ".svc.cluster.local");
    }

    /** True when both exist; false when neither does; an error naming the one that is missing otherwise. */
    private static boolean pair(Path cert, Path key) {
        boolean c = Files.exists(cert);
        boolean k = Files.exists(key);
        if (c != k) {
            throw new TlsFileException(c ? key : cert, "is missing while " + (c ? cert : key) + " exists; restore it"
                    + " or remove both to have them issued again");
        }
        return c;
    }

    private static void checkArgs(int agents, String clientId, String namespace) {
        if (agents < 1 || agents > 32) {
            throw new IllegalArgumentException("--agents: must be 1..32, got " + agents);
        }
        if (clientId == null || !NAME.matcher(clientId).matches()) {
            throw new IllegalArgumentException("--client-id: must be a DNS label (a-z, 0-9, '-'), got '" + clientId
                    + "'");
        }
        if (namespace == null || !NAME.matcher(namespace).matches()) {
            throw new IllegalArgumentException("--namespace: must be a DNS label (a-z, 0-9, '-'), got '" + namespace
                    + "'");
        }
    }
}
