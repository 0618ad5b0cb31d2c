package com.m0club.store;

/**
 * A storage operation failed. The message names the operation (for example {@code markets.upsert}) and, for
 * database failures, the SQL state; it never carries credentials. Subclasses say why a write was refused, so
 * callers can tell "retry later" (this class) from "this request is wrong" ({@link StoreConflictException},
 * {@link StoreNotFoundException}).
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;

    public StoreException(String operation, String message, Throwable cause) {
        super(operation + ": " + message, cause);
        this.operation = operation;
    }

    public StoreException(String operation, String message) {
        this(operation, message, null);
    }

    /** The operation that failed, as used in the {@code op} label of {@code m0_db_errors_total}. */
    public String operation() {
        return operation;
    }
}
