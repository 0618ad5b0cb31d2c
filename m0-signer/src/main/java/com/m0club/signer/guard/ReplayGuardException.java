package com.m0club.signer.guard;

/**
 * The replay guard cannot vouch for what this agent has signed: its journal is corrupt, in use by another agent,
 * or could not be written. The agent must not sign while this is so.
 */
public final class ReplayGuardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReplayGuardException(String message) {
        super(message);
    }

    public ReplayGuardException(String message, Throwable cause) {
        super(message, cause);
    }
}
