package com.m0club.signer.tls;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The agent's side of mutual TLS: its server certificate chain and key, the CA that issues its clients'
 * certificates, and the client identities it accepts. TLS 1.3 only; a client must present a certificate that
 * chains to the CA (PKIX: signature, validity, extendedKeyUsage clientAuth) and names an allowed identity
 * ({@link ClientIdentities}); anything else is refused during the handshake, before HTTP, and reported as a
 * {@link TlsRefusal}.
 *
 * <p>Immutable; the key never leaves the JDK's TLS stack and {@link #toString} does not show it.
 */
public final class AgentTls {
    public static final String PROTOCOL = "TLSv1.3";

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final List<X509Certificate> trust;
    private final ClientIdentities allowed;

    private AgentTls(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> trust,
            ClientIdentities allowed) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("agent TLS: the server certificate chain is empty");
        }
        if (trust.isEmpty()) {
            throw new IllegalArgumentException("agent TLS: at least one CA certificate is required");
        }
        this.chain = List.copyOf(chain);
        this.key = Objects.requireNonNull(key, "key");
        this.trust = List.copyOf(trust);
        this.allowed = Objects.requireNonNull(allowed, "allowed");
    }

    public static AgentTls of(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> trust,
            ClientIdentities allowed) {
        return new AgentTls(chain, key, trust, allowed);
    }

    /** Reads the PEM files ({@link Pem}); the key file must be owner-only. */
    public static AgentTls load(Path certFile, Path keyFile, Path caFile, ClientIdentities allowed) {
        return new AgentTls(Pem.readCertificates(certFile), Pem.readPrivateKey(keyFile), Pem.readCertificates(caFile),
                allowed);
    }

    /**
     * The Helidon listener TLS: client authentication REQUIRED, TLS 1.3, over a JDK context whose engines report
     * every refused handshake to {@code refused}. The listener must use Helidon's NIO path
     * ({@code useNio(true)}): in Helidon 4.4.0 the default socket path does not apply the client-auth setting.
     */
    public Tls serverTls(Consumer<TlsRefusal> refused) {
        Objects.requireNonNull(refused, "refused");
        try {
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(new KeyManager[] {new SingleKeyManager(chain, key)},
                    new TrustManager[] {new TrustManagers.ClientCheck(TrustManagers.pkix(trust), allowed)}, null);
            return Tls.builder()
                    .sslContext(new RefusalCountingContext(ctx, refused))
                    .clientAuth(TlsClientAuth.REQUIRED)
                    .enabledProtocols(List.of(PROTOCOL))
                    .endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_NONE)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("agent TLS context could not be built: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    public List<X509Certificate> trust() {
        return trust;
    }

    public ClientIdentities allowed() {
        return allowed;
    }

    /** For the start log: the server certificate, its expiry, the CA and the allowed clients. */
    public String describe() {
        return "server certificate " + certificate().getSubjectX500Principal() + " (expires "
                + certificate().getNotAfter().toInstant() + "), CA " + trust.getFirst().getSubjectX500Principal()
                + ", allowed clients [" + allowed + "]";
    }

    @Override
    public String toString() {
        return "AgentTls[" + describe() + ", key=<redacted>]";
    }
}
