package com.m0club.engine.source;

/** A replay line that is not a valid quote record; the message names the line, the field and the rule. */
public final class QuoteFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final long line;
    private final String field;

    public QuoteFormatException(long line, String field, String rule) {
        super("line " + line + ": " + field + ": " + rule);
        this.line = line;
        this.field = field;
    }

    QuoteFormatException(long line, String field, String rule, Throwable cause) {
        super("line " + line + ": " + field + ": " + rule, cause);
        this.line = line;
        this.field = field;
    }

    /** 1-based line number in the replay input (0 when the quote did not come from a file). */
    public long line() {
        return line;
    }

    public String field() {
        return field;
    }
}
