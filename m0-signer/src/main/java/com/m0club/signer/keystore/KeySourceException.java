package com.m0club.signer.keystore;

/** The agent's key source is misconfigured or its token refuses; the message names the part and the rule. */
public final class KeySourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeySourceException(String message) {
        super("signer key source: " + message);
    }

    public KeySourceException(String message, Throwable cause) {
        super("signer key source: " + message, cause);
    }
}
