package com.m0club.signer.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The JDK's PKIX trust manager over exactly the configured CA certificates (no system CAs). */
final class TrustManagers {
    private TrustManagers() {}

    static X509ExtendedTrustManager pkix(List<X509Certificate> anchors) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
            f.init(store);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK's PKIX TrustManagerFactory returned no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("trust store over the CA could not be built: " + e.getMessage(), e);
        }
    }

    /**
     * The agent's client check: the chain must validate against the CA for client authentication (PKIX: signature,
     * validity, extendedKeyUsage clientAuth), then one of its names must be allowed. Throws
     * {@link ClientCertificateRefused} with the reason. The agent never checks servers with it.
     */
    static final class ClientCheck extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;
        private final ClientIdentities allowed;

        ClientCheck(X509ExtendedTrustManager pkix, ClientIdentities allowed) {
            this.pkix = pkix;
            this.allowed = allowed;
        }

        private void check(X509Certificate[] chain, Check pkixCheck) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new ClientCertificateRefused(TlsRefusal.NO_CLIENT_CERTIFICATE, "no client certificate", null);
            }
            try {
                pkixCheck.run();
            } catch (CertificateException e) {
                throw new ClientCertificateRefused(TlsRefusal.UNTRUSTED_CERTIFICATE, "client certificate "
                        + chain[0].getSubjectX500Principal() + " is not valid under the configured CA: "
                        + e.getMessage(), e);
            }
            if (allowed.match(chain[0]).isEmpty()) {
                throw new ClientCertificateRefused(TlsRefusal.IDENTITY_NOT_ALLOWED, "client certificate names "
                        + ClientIdentities.identitiesOf(chain[0]) + ", none of which is allowed (" + allowed + ")",
                        null);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, () -> pkix.checkClientTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, () -> pkix.checkClientTrusted(chain, authType, socket));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, () -> pkix.checkClientTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the signer agent's trust manager checks clients only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the signer agent's trust manager checks clients only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("the signer agent's trust manager checks clients only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }

        @FunctionalInterface
        private interface Check {
            void run() throws CertificateException;
        }
    }
}
