package com.m0club.signer.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One certificate chain and its key, presented whatever issuers the peer names: a bundler whose certificate is from
 * the wrong CA still presents it, so the agent refuses it as {@code untrusted_certificate} instead of seeing no
 * certificate at all (the JDK's own key manager would silently send none).
 */
final class SingleKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "m0";
    private final X509Certificate[] chain;
    private final PrivateKey key;

    SingleKeyManager(List<X509Certificate> chain, PrivateKey key) {
        this.chain = chain.toArray(X509Certificate[]::new);
        this.key = key;
    }

    private String aliasFor(String[] keyTypes) {
        if (keyTypes == null) {
            return ALIAS;
        }
        for (String t : keyTypes) {
            if (t != null && matches(t)) {
                return ALIAS;
            }
        }
        return null;
    }

    private String aliasFor(String keyType) {
        return keyType == null || matches(keyType) ? ALIAS : null;
    }

    private boolean matches(String keyType) {
        String alg = key.getAlgorithm();
        return keyType.equalsIgnoreCase(alg) || keyType.startsWith(alg + "_")
                || (alg.equals("EC") && keyType.startsWith("EC"))
                || (alg.equals("Ed25519") && (keyType.equals("EdDSA") || keyType.equals("Ed25519")));
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliasFor(keyType) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliasFor(keyType) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String toString() {
        return "SingleKeyManager[" + chain[0].getSubjectX500Principal() + ", key=<redacted>]";
    }
}
