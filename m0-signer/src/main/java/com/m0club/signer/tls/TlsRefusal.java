package com.m0club.signer.tls;

/**
 * Why an agent's TLS listener refused a connection: the {@code reason} label of
 * {@code m0_signer_tls_refused_total}.
 */
public enum TlsRefusal {
    /** The client sent no certificate (client authentication is required). */
    NO_CLIENT_CERTIFICATE("no_client_certificate"),
    /** The client's certificate does not chain to the configured CA (or is expired, or not for client auth). */
    UNTRUSTED_CERTIFICATE("untrusted_certificate"),
    /** The certificate chains to the CA but none of its names is on the allowed list. */
    IDENTITY_NOT_ALLOWED("identity_not_allowed"),
    /** Any other handshake failure: not TLS (plain HTTP), no common protocol, the client aborted. */
    HANDSHAKE_FAILED("handshake_failed");

    private final String label;

    TlsRefusal(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
