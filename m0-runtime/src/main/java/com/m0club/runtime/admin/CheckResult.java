package com.m0club.runtime.admin;

import java.util.Objects;

/**
 * The outcome of one readiness check: up, degraded or down, and a short detail for operators (e.g. {@code "2 of 3
 * signers reachable"}). The detail is shown on {@code /readyz}, so it must not contain secrets.
 *
 * <p>Degraded is up with a reduced service: the process still serves (so {@code /readyz} stays 200) but a dependency
 * it can do without is missing, for example the Redis cache when reads fall back to PostgreSQL. {@code /readyz}
 * shows the check as {@code DEGRADED}.
 *
 * @param up false only when the process must not get traffic for this dependency
 * @param degraded up but with a reduced service; never true when {@code up} is false
 */
public record CheckResult(boolean up, boolean degraded, String detail) {

    public CheckResult {
        Objects.requireNonNull(detail, "detail");
        if (degraded && !up) {
            throw new IllegalArgumentException("a check result is degraded or down, not both (detail: " + detail
                    + ")");
        }
    }

    /** Up ({@code up = true}, not degraded) or down, with a detail. */
    public CheckResult(boolean up, String detail) {
        this(up, false, detail);
    }

    /** Up, detail {@code "ok"}. */
    public static CheckResult ok() {
        return new CheckResult(true, "ok");
    }

    /** Up, with a detail. */
    public static CheckResult ok(String detail) {
        return new CheckResult(true, detail);
    }

    /** Up with a reduced service, with the reason: {@code /readyz} stays 200 and shows the check DEGRADED. */
    public static CheckResult degraded(String detail) {
        return new CheckResult(true, true, detail);
    }

    /** Down, with the reason. */
    public static CheckResult down(String detail) {
        return new CheckResult(false, detail);
    }

    /** {@code "UP"}, {@code "DEGRADED"} or {@code "DOWN"}. */
    public String status() {
        return !up ? "DOWN" : degraded ? "DEGRADED" : "UP";
    }
}
