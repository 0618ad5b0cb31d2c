package com.m0club.devkit.postgres;

/**
 * The embedded PostgreSQL could not be prepared, started or stopped. The message says what went wrong and what to
 * do about it (free the port, delete a corrupt development data directory, use an external server), and includes
 * the tail of the server log when the server itself refused to start.
 */
public final class EmbeddedPostgresException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EmbeddedPostgresException(String message) {
        super(message);
    }

    public EmbeddedPostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
