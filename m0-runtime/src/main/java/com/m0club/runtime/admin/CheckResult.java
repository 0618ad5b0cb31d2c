package com.m0club.runtime.admin;

import java.util.Objects;

/**
 * The outcome of one readiness check: up or down, and a short detail for operators (e.g. {@code "2 of 3 signers
 * reachable"}). The detail is shown on {@code /readyz}, so it must not contain secrets.
 */
public record CheckResult(boolean up, String detail) {

    public CheckResult {
        Objects.requireNonNull(detail, "detail");
    }

    /** Up, detail {@code "ok"}. */
    public static CheckResult ok() {
        return new CheckResult(true, "ok");
    }

    /** Up, with a detail. */
    public static CheckResult ok(String detail) {
        return new CheckResult(true, detail);
    }

    /** Down, with the reason. */
    public static CheckResult down(String detail) {
        return new CheckResult(false, detail);
    }

    /** {@code "UP"} or {@code "DOWN"}. */
    public String status() {
        return up ? "UP" : "DOWN";
    }
}
