package com.m0club.adapter.chain.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.OptionalInt;

/**
 * A call to the ledger server did not get an answer about the call: the server could not be reached, did not answer
 * in time, answered 5xx, refused the credentials, or sent something this client cannot read. A transport failure in
 * the sense of {@link com.m0club.chain.Ledger}: it says nothing about the bundle, is never a
 * {@link com.m0club.chain.LedgerRejection}, and a caller retries it (every write is idempotent). The message names
 * the server, the endpoint and what went wrong; {@link #status} is the HTTP status when there was one.
 */
public final class RemoteLedgerException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    RemoteLedgerException(URI server, String endpoint, int status, String problem, IOException cause) {
        super("ledger server " + server + " (" + endpoint + "): " + problem, cause);
        this.status = status;
    }

    /** The HTTP status of the answer, or empty when there was none (connection refused, reset, timed out). */
    public OptionalInt status() {
        return status > 0 ? OptionalInt.of(status) : OptionalInt.empty();
    }
}
