package com.m0club.runtime.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.runtime.json.Json;
import java.util.List;
import java.util.Objects;

/**
 * The result of one readiness probe: up only if every check is up (a degraded check is up). Serialized as the
 * {@code /readyz} body {@code {"status":"UP|DEGRADED|DOWN","checks":[{"name","status","detail","latency_ms"}]}}: the
 * top-level status is DOWN when a check is down, else DEGRADED when a check is degraded, else UP.
 */
public record ReadinessReport(List<Outcome> checks) {

    public ReadinessReport {
        checks = List.copyOf(checks);
    }

    /** True if every check is up (also when there are no checks: nothing to wait for). */
    public boolean up() {
        return checks.stream().allMatch(Outcome::up);
    }

    /** True when every check is up and at least one of them is degraded. */
    public boolean degraded() {
        return up() && checks.stream().anyMatch(Outcome::degraded);
    }

    public String status() {
        return !up() ? "DOWN" : degraded() ? "DEGRADED" : "UP";
    }

    public ObjectNode toJson() {
        ObjectNode root = Json.object();
        root.put("status", status());
        ArrayNode array = root.putArray("checks");
        for (Outcome outcome : checks) {
            ObjectNode node = array.addObject();
            node.put("name", outcome.name());
            node.put("status", outcome.status());
            node.put("detail", outcome.detail());
            node.put("latency_ms", outcome.latencyMs());
        }
        return root;
    }

    /**
     * One check's outcome; {@code latencyMs} is how long it ran (the timeout, if it timed out); {@code degraded} as in
     * {@link CheckResult#degraded()} (only when up).
     */
    public record Outcome(String name, boolean up, boolean degraded, String detail, long latencyMs) {
        public Outcome {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(detail, "detail");
            if (degraded && !up) {
                throw new IllegalArgumentException("check " + name + ": degraded or down, not both");
            }
        }

        /** Up (not degraded) or down. */
        public Outcome(String name, boolean up, String detail, long latencyMs) {
            this(name, up, false, detail, latencyMs);
        }

        /** {@code "UP"}, {@code "DEGRADED"} or {@code "DOWN"}. */
        public String status() {
            return !up ? "DOWN" : degraded ? "DEGRADED" : "UP";
        }
    }
}
