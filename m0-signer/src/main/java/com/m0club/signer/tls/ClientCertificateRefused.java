package com.m0club.signer.tls;

import java.security.cert.CertificateException;

/** The agent's trust manager refused a client certificate; carries the refusal reason to the counting engine. */
final class ClientCertificateRefused extends CertificateException {
    private static final long serialVersionUID = 1L;
    private final transient TlsRefusal reason;

    ClientCertificateRefused(TlsRefusal reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    TlsRefusal reason() {
        return reason;
    }
}
