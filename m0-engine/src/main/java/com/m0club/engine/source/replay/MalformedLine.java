package com.m0club.engine.source.replay;

import com.m0club.engine.source.QuoteFormatException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A replay line that is not a valid quote record, skipped by {@link JsonlReplaySource}.
 *
 * @param file the replay file
 * @param line its 1-based line number
 * @param field the offending field ({@code line} when the line is not one JSON object)
 * @param rule what the field must be
 */
public record MalformedLine(Path file, long line, String field, String rule) {
    public MalformedLine {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(rule, "rule");
        if (line < 1) {
            throw new IllegalArgumentException("line: must be >= 1, got " + line);
        }
    }

    static MalformedLine of(Path file, QuoteFormatException e) {
        String prefix = "line " + e.line() + ": " + e.field() + ": ";
        String message = e.getMessage();
        return new MalformedLine(file, e.line(), e.field(),
                message.startsWith(prefix) ? message.substring(prefix.length()) : message);
    }

    /** {@code file:line: field: rule}, the form editors and compilers use. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + field + ": " + rule;
    }
}
