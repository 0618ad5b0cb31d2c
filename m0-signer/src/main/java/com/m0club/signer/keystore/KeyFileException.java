package com.m0club.signer.keystore;

import java.nio.file.Path;

/**
 * A key file could not be created or loaded. The message names the file and the rule that failed; it never contains
 * key material (not even a fragment of a malformed file).
 */
public final class KeyFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeyFileException(Path path, String rule) {
        super("key file " + path + ": " + rule);
    }

    public KeyFileException(Path path, String rule, Throwable cause) {
        super("key file " + path + ": " + rule, cause);
    }
}
