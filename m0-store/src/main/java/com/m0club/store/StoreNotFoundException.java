package com.m0club.store;

/** A write named something that is not stored (an unknown market, signer set or sequence). */
public final class StoreNotFoundException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreNotFoundException(String operation, String message) {
        super(operation, message);
    }
}
