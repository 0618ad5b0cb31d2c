package com.m0club.runtime.lifecycle;

import java.util.Objects;

/** A service failed to start; names it. The services started before it have been closed. */
public final class LifecycleException extends RuntimeException {

    private final String service;

    public LifecycleException(String service, Throwable cause) {
        super("service '" + service + "' failed to start: " + cause, cause);
        this.service = Objects.requireNonNull(service, "service");
    }

    /** Name of the service whose start failed. */
    public String service() {
        return service;
    }
}
