package com.m0club.api.rest;

/** Thrown by a handler to answer with an {@link ApiError}; {@link RequestMetrics} renders and counts it. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ApiError error;

    ApiException(ApiError error) {
        super(error.code() + ": " + error.message(), null, false, false);
        this.error = error;
    }

    ApiError error() {
        return error;
    }
}
