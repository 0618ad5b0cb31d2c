package com.m0club.adapter.source.http;

import java.util.List;

/**
 * The connectors file cannot be used. Each problem reads {@code <file>: connector <id>: <field>: <rule>} (or
 * {@code connector[<n>]} when the connector has no valid id yet); the message lists them all.
 */
public final class ConnectorsFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConnectorsFileException(List<String> problems) {
        super(problems.size() == 1 ? problems.getFirst()
                : problems.size() + " problems in the connectors file:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in file order. */
    public List<String> problems() {
        return problems;
    }
}
