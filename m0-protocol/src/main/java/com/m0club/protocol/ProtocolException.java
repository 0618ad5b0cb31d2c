package com.m0club.protocol;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A protocol value was refused. Every instance names the field and the rule that failed (and, for decoding, the
 * byte offset), so an operator reading a log line or an API error can fix the input without reading code. Nothing in
 * this module silently repairs input: it either accepts a value as given or throws this.
 */
public final class ProtocolException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String field;
    private final String rule;
    private final int offset;

    public ProtocolException(ErrorCode code, String field, String rule) {
        this(code, field, rule, -1);
    }

    private ProtocolException(ErrorCode code, String field, String rule, int offset) {
        super(field + ": " + rule + (offset >= 0 ? " (at byte " + offset + ")" : "") + " [" + code + "]");
        this.code = Objects.requireNonNull(code, "code");
        this.field = Objects.requireNonNull(field, "field");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.offset = offset;
    }

    /** The same error with its field placed inside a structure, for example {@code items[3].} + field. */
    public ProtocolException within(String prefix) {
        return copy(prefix + field, offset);
    }

    /** The same error with where it happened in the input, unless a more precise offset is already known. */
    public ProtocolException atOffset(int at) {
        return offset >= 0 ? this : copy(field, at);
    }

    private ProtocolException copy(String newField, int newOffset) {
        ProtocolException e = new ProtocolException(code, newField, rule, newOffset);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The stable machine-readable reason. */
    public ErrorCode code() {
        return code;
    }

    /** The protocol field name, as written in docs/protocol.md (for example {@code items[3].market_id}). */
    public String field() {
        return field;
    }

    /** The rule that failed, in words. */
    public String rule() {
        return rule;
    }

    /** Byte offset in the decoded input, when the error came from a decoder. */
    public OptionalInt offset() {
        return offset >= 0 ? OptionalInt.of(offset) : OptionalInt.empty();
    }
}
