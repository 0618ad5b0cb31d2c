package com.m0club.runtime.config;

import java.util.List;

/**
 * Invalid configuration. Carries every problem found in one pass, so an operator fixes them all in one round
 * instead of one per restart. Each problem names the key and where its value came from, and never contains a
 * secret value.
 */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, e.g. {@code publish_concurrency (from ENV M0_PUBLISH_CONCURRENCY): must be ...}. */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        StringBuilder text = new StringBuilder("invalid configuration (")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append("):");
        for (String problem : problems) {
            text.append("\n  - ").append(problem);
        }
        return text.toString();
    }
}
