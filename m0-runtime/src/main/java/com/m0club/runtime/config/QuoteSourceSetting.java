package com.m0club.runtime.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the ingestor takes its quotes from, as {@code quote_source} spells it: {@code simulator} (the market
 * simulator of m0-devkit, the dev default) or {@code jsonl:<path>} (replay a quotes file in the JSONL replay format).
 */
public sealed interface QuoteSourceSetting {

    /** The rule shown when the text is neither form. */
    String RULE = "must be simulator or jsonl:<path>";

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

    /** Parses {@code simulator} or {@code jsonl:<path>} (surrounding blanks ignored). */
    static QuoteSourceSetting parse(String raw) {
        String s = Objects.requireNonNull(raw, "raw").strip();
        if (s.equals("simulator")) {
            return new Simulator();
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
