package com.m0club.runtime.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.runtime.json.Json;
import java.util.List;
import java.util.Objects;

/**
 * The result of one readiness probe: up only if every check is up. Serialized as the {@code /readyz} body
 * {@code {"status":"UP|DOWN","checks":[{"name","status","detail","latency_ms"}]}}.
 */
public record ReadinessReport(List<Outcome> checks) {

    public ReadinessReport {
        checks = List.copyOf(checks);
    }

    /** True if every check is up (also when there are no checks: nothing to wait for). */
    public boolean up() {
        return checks.stream().allMatch(Outcome::up);
    }

    public String status() {
        return up() ? "UP" : "DOWN";
    }

    public ObjectNode toJson() {
        ObjectNode root = Json.object();
        root.put("status", status());
        ArrayNode array = root.putArray("checks");
        for (Outcome outcome : checks) {
            ObjectNode node = array.addObject();
            node.put("name", outcome.name());
            node.put("status", outcome.up() ? "UP" : "DOWN");
            node.put("detail", outcome.detail());
            node.put("latency_ms", outcome.latencyMs());
        }
        return root;
    }

    /** One check's outcome; {@code latencyMs} is how long it ran (the timeout, if it timed out). */
    public record Outcome(String name, boolean up, String detail, long latencyMs) {
        public Outcome {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
