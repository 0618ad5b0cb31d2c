package com.m0club.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.RequestException;
import io.helidon.http.Status;

/** Builds the {@link RequestException}s the conformance checks throw before routing: safe, our words, close. */
final class ProtocolRejection {
    private ProtocolRejection() {}

    static RequestException of(Status status, String message) {
        return RequestException.builder()
                .type(status.code() == 400 ? DirectHandler.EventType.BAD_REQUEST : DirectHandler.EventType.OTHER)
                .status(status)
                .message(message)
                .safeMessage(true)
                .setKeepAlive(false)
                .build();
    }
}
