package com.m0club.signer.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The bundler's side of mutual TLS to the signer agents: its client certificate and key (always presented), and
 * the CA every agent's server certificate must chain to. Server names are checked (endpoint identification HTTPS:
 * the agent URL's host must be a subjectAltName of its certificate). TLS 1.3 only.
 */
public final class ClientTls {
    private final SSLContext context;
    private final X509Certificate certificate;
    private final X509Certificate ca;

    private ClientTls(List<X509Certificate> trust, List<X509Certificate> chain, PrivateKey key) {
        if (chain.isEmpty() || trust.isEmpty()) {
            throw new IllegalArgumentException("signer client TLS: a client certificate and a CA are required");
        }
        Objects.requireNonNull(key, "key");
        try {
            context = SSLContext.getInstance(AgentTls.PROTOCOL);
            context.init(new KeyManager[] {new SingleKeyManager(chain, key)},
                    new TrustManager[] {TrustManagers.pkix(trust)}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signer client TLS context could not be built: " + e.getMessage(), e);
        }
        this.certificate = chain.getFirst();
        this.ca = trust.getFirst();
    }

    public static ClientTls of(List<X509Certificate> trust, List<X509Certificate> chain, PrivateKey key) {
        return new ClientTls(trust, chain, key);
    }

    /** Reads the PEM files ({@link Pem}); the key file must be owner-only. */
    public static ClientTls load(Path caFile, Path certFile, Path keyFile) {
        return new ClientTls(Pem.readCertificates(caFile), Pem.readCertificates(certFile),
                Pem.readPrivateKey(keyFile));
    }

    public SSLContext sslContext() {
        return context;
    }

    /** TLS 1.3 with host name verification on. */
    public SSLParameters sslParameters() {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(new String[] {AgentTls.PROTOCOL});
        p.setEndpointIdentificationAlgorithm("HTTPS");
        return p;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String describe() {
        return "client certificate " + certificate.getSubjectX500Principal() + " (expires "
                + certificate.getNotAfter().toInstant() + "), CA " + ca.getSubjectX500Principal();
    }

    @Override
    public String toString() {
        return "ClientTls[" + describe() + ", key=<redacted>]";
    }
}
