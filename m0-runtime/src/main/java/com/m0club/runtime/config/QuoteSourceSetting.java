package com.m0club.runtime.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where the ingestor takes its quotes from, as {@code quote_source} spells it: {@code simulator} (the market
 * simulator of m0-devkit, the dev default), {@code jsonl:<path>} (replay a quotes file in the JSONL replay format),
 * {@code connectors} (the HTTP connectors of the file {@code connectors_file} names), or a comma-separated list of
 * these, each at most once, polled together (for example {@code simulator,connectors}). A path in a list cannot
 * contain a comma.
 */
public sealed interface QuoteSourceSetting {

    /** The rule shown when the text is none of the forms. */
    String RULE = "must be simulator, jsonl:<path> or connectors, or a comma-separated list of them";

    /** The parts this setting runs: itself, or the list of a {@link Combined}. */
    default List<QuoteSourceSetting> parts() {
        return List.of(this);
    }

    /** True when the HTTP connectors are among the parts (so {@code connectors_file} is read). */
    default boolean usesConnectors() {
        return parts().stream().anyMatch(p -> p instanceof Connectors);
    }

    /** The market simulator. */
    record Simulator() implements QuoteSourceSetting {
        @Override
        public String toString() {
            return "simulator";
        }
    }

    /** Replay of the quotes file {@code file}. */
    record Jsonl(Path file) implements QuoteSourceSetting {
        public Jsonl {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String toString() {
            return "jsonl:" + file;
        }
    }

    /** The HTTP polling connectors defined in {@code connectors_file} ({@code M0_CONNECTORS_FILE}). */
    record Connectors() implements QuoteSourceSetting {
        @Override
        public String toString() {
            return "connectors";
        }
    }

    /** Two or more of the single forms, polled in this order. */
    record Combined(List<QuoteSourceSetting> parts) implements QuoteSourceSetting {
        public Combined {
            parts = List.copyOf(Objects.requireNonNull(parts, "parts"));
            if (parts.size() < 2 || parts.stream().anyMatch(p -> p instanceof Combined)) {
                throw new IllegalArgumentException("parts: a combined source is two or more single sources");
            }
        }

        @Override
        public String toString() {
            return parts.stream().map(QuoteSourceSetting::toString).collect(Collectors.joining(","));
        }
    }

    /** Parses one form or a comma-separated list of them (surrounding blanks ignored). */
    static QuoteSourceSetting parse(String raw) {
        String s = Objects.requireNonNull(raw, "raw").strip();
        List<QuoteSourceSetting> parts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String part : s.split(",", -1)) {
            QuoteSourceSetting one = parseOne(part.strip());
            if (!seen.add(one.toString())) {
                throw new IllegalArgumentException(RULE + " (" + one + " is listed twice)");
            }
            parts.add(one);
        }
        return parts.size() == 1 ? parts.getFirst() : new Combined(parts);
    }

    private static QuoteSourceSetting parseOne(String s) {
        if (s.equals("simulator")) {
            return new Simulator();
        }
        if (s.equals("connectors")) {
            return new Connectors();
        }
        if (s.startsWith("jsonl:") && !s.substring("jsonl:".length()).isBlank()) {
            try {
                return new Jsonl(Path.of(s.substring("jsonl:".length()).strip()));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(RULE + " (the path is not a valid path)");
            }
        }
        throw new IllegalArgumentException(RULE);
    }

    /** The value type for config keys. */
    static ValueType<QuoteSourceSetting> type() {
        return new ValueType<>() {
            @Override
            public QuoteSourceSetting parse(String raw) {
                return QuoteSourceSetting.parse(raw);
            }

            @Override
            public String render(QuoteSourceSetting value) {
                return value.toString();
            }
        };
    }
}
