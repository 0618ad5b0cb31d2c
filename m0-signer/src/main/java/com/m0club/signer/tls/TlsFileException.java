package com.m0club.signer.tls;

import java.nio.file.Path;

/** A TLS file (certificate, private key, CA) cannot be used; the message names the file and the rule. */
public final class TlsFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TlsFileException(Path file, String rule) {
        super("TLS file " + file + ": " + rule);
    }

    public TlsFileException(Path file, String rule, Throwable cause) {
        super("TLS file " + file + ": " + rule, cause);
    }
}
