package com.m0club.eventlog;

/**
 * Bytes that do not decode to a record: truncated, trailing bytes, a length out of bounds, an unknown enum code, a
 * wrong schema version, or a value the record refuses. The message names where (topic or record, then field) and the
 * rule broken; {@link #where()} and {@link #field()} carry them for callers that count or route failures.
 */
public final class RecordFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String where;
    private final String field;

    public RecordFormatException(String where, String field, String rule) {
        this(where, field, rule, null);
    }

    public RecordFormatException(String where, String field, String rule, Throwable cause) {
        super(where + ": field " + field + ": " + rule, cause);
        this.where = where;
        this.field = field;
    }

    /** The topic or record the bytes were read as, for example {@code m0.events} or {@code NormalizedEvent}. */
    public String where() {
        return where;
    }

    /** The field that broke its rule ({@code record} when the record as a whole was refused). */
    public String field() {
        return field;
    }

    /** The same failure, located in {@code topic} (the codec knows its record, the topic its name). */
    RecordFormatException inTopic(String topic) {
        return new RecordFormatException(topic + " " + where, field, ruleOf(), this);
    }

    private String ruleOf() {
        String prefix = where + ": field " + field + ": ";
        String m = getMessage();
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
