package com.m0club.signer;

import com.m0club.signer.agent.SignerAgentMain;
import com.m0club.signer.tls.AgentTls;
import com.m0club.signer.tls.CertificateBuilder;
import com.m0club.signer.tls.ClientIdentities;
import com.m0club.signer.tls.ClientTls;
import com.m0club.signer.tls.TlsInit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;

/**
 * Certificates for the tests, issued once per JVM in memory by the production {@link CertificateBuilder}: the CA,
 * agent server certificates (SAN localhost, 127.0.0.1), the bundler's client certificate, and the misfits the TLS
 * tests refuse: a client and a server from another CA, and a client of the right CA whose name is not allowed.
 */
public final class TestPki {
    public static final String CLIENT_ID = "bundler";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final KeyPair CA_KEYS = CertificateBuilder.newKeyPair(RANDOM);
    private static final X509Certificate CA = CertificateBuilder.of("test CA", CertificateBuilder.Usage.CA)
            .selfSigned(CA_KEYS);
    private static final KeyPair OTHER_CA_KEYS = CertificateBuilder.newKeyPair(RANDOM);
    private static final X509Certificate OTHER_CA = CertificateBuilder.of("other CA", CertificateBuilder.Usage.CA)
            .selfSigned(OTHER_CA_KEYS);
    private static final AgentTls AGENT = server(CA, CA_KEYS);
    private static final AgentTls AGENT_OF_OTHER_CA = server(OTHER_CA, OTHER_CA_KEYS);
    private static final ClientTls CLIENT = client(CLIENT_ID, CA, CA_KEYS);
    /** Trusts the right CA (so it accepts the agent) but presents a certificate issued by the other CA. */
    private static final ClientTls CLIENT_OF_OTHER_CA = client(CLIENT_ID, OTHER_CA, OTHER_CA_KEYS, CA);
    private static final ClientTls STRANGER = client("stranger", CA, CA_KEYS);

    private TestPki() {}

    public static X509Certificate ca() {
        return CA;
    }

    /** An agent's TLS: a server certificate from the CA, accepting clients named {@value #CLIENT_ID}. */
    public static AgentTls agent() {
        return AGENT;
    }

    /** An agent whose server certificate (and client CA) is another CA's: the client must refuse it. */
    public static AgentTls agentOfOtherCa() {
        return AGENT_OF_OTHER_CA;
    }

    /** The bundler's TLS: client certificate {@value #CLIENT_ID} from the CA. */
    public static ClientTls client() {
        return CLIENT;
    }

    /** A client named {@value #CLIENT_ID} whose certificate is from another CA (it trusts the agent's CA). */
    public static ClientTls clientOfOtherCa() {
        return CLIENT_OF_OTHER_CA;
    }

    /** A client from the CA whose name ({@code stranger}) is not on the allowed list. */
    public static ClientTls stranger() {
        return STRANGER;
    }

    /** An HTTP/1.1 client presenting {@code tls}. */
    public static HttpClient http(ClientTls tls) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls.sslContext())
                .sslParameters(tls.sslParameters()).build();
    }

    /** An HTTP/1.1 client presenting the bundler's certificate. */
    public static HttpClient http() {
        return http(CLIENT);
    }

    /** A connected, handshaken TLS socket to {@code port} with the bundler's certificate (for raw-socket tests). */
    public static Socket socket(int port) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        SSLSocket s = (SSLSocket) CLIENT.sslContext().getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        s.setSSLParameters(CLIENT.sslParameters());
        s.startHandshake();
        return s;
    }

    /**
     * Writes a dev PKI ({@link TlsInit}) under {@code dir}, points {@code env} at agent 0's files (and an ephemeral
     * admin port), and returns the bundler's client TLS read back from the files.
     */
    public static ClientTls standaloneTls(Path dir, Map<String, String> env) {
        TlsInit.create(dir, 1, CLIENT_ID, TlsInit.DEFAULT_NAMESPACE);
        TlsInit.Layout files = new TlsInit.Layout(dir);
        env.put(SignerAgentMain.TLS_CERT_FILE, files.agentCert(0).toString());
        env.put(SignerAgentMain.TLS_KEY_FILE, files.agentKey(0).toString());
        env.put(SignerAgentMain.TLS_CA_FILE, files.caCert().toString());
        env.put(SignerAgentMain.ADMIN_PORT, "0");
        return ClientTls.load(files.caCert(), files.clientCert(CLIENT_ID), files.clientKey(CLIENT_ID));
    }

    private static AgentTls server(X509Certificate ca, KeyPair caKeys) {
        KeyPair keys = CertificateBuilder.newKeyPair(RANDOM);
        X509Certificate cert = CertificateBuilder.of("agent", CertificateBuilder.Usage.SERVER)
                .dns("localhost").ip("127.0.0.1", "::1").issuedBy(keys.getPublic(), ca, caKeys.getPrivate());
        return AgentTls.of(List.of(cert), keys.getPrivate(), List.of(ca), ClientIdentities.of(CLIENT_ID));
    }

    private static ClientTls client(String name, X509Certificate ca, KeyPair caKeys) {
        return client(name, ca, caKeys, ca);
    }

    private static ClientTls client(String name, X509Certificate issuer, KeyPair issuerKeys, X509Certificate trust) {
        KeyPair keys = CertificateBuilder.newKeyPair(RANDOM);
        X509Certificate cert = CertificateBuilder.of(name, CertificateBuilder.Usage.CLIENT).dns(name)
                .issuedBy(keys.getPublic(), issuer, issuerKeys.getPrivate());
        return ClientTls.of(List.of(trust), List.of(cert), keys.getPrivate());
    }
}
