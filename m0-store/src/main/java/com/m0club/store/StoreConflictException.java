package com.m0club.store;

/**
 * A write was refused because it contradicts what is stored: an illegal status transition, a signer set inserted
 * twice with different content, a sequence asked to bind a second bundle hash. Retrying does not help; the request
 * (or the operator's intent) must change.
 */
public final class StoreConflictException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreConflictException(String operation, String message) {
        super(operation, message);
    }
}
