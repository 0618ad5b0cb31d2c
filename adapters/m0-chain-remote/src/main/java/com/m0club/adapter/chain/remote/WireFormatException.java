package com.m0club.adapter.chain.remote;

/**
 * A request or response body that does not follow the wire format of {@link LedgerWire}: a missing or mistyped
 * field, a hash or byte string that is not canonical, a value its record refuses. The message names the field
 * ({@code commit_hash}, {@code receipt.items[2].market}) and the rule. The server answers it with 400; the client
 * turns it into a {@link RemoteLedgerException} (the server sent something this client cannot read).
 */
final class WireFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WireFormatException(String message) {
        super(message);
    }

    WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
