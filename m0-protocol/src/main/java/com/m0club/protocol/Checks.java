package com.m0club.protocol;

/** Range checks shared by the value types; each failure names the field and the rule. */
public final class Checks {
    public static final long U16_MAX = 0xFFFFL;
    public static final long U32_MAX = 0xFFFF_FFFFL;

    private Checks() {}

    public static int u16(String field, long value) {
        if (value < 0 || value > U16_MAX) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, field, "must be a u16 (0..65535), got " + value);
        }
        return (int) value;
    }

    public static long u32(String field, long value) {
        if (value < 0 || value > U32_MAX) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, field, "must be a u32 (0..4294967295), got " + value);
        }
        return value;
    }

    /** u64 fields are restricted to 0..2^63-1 in v1 so that they fit a Java long without sign tricks. */
    public static long u64(String field, long value) {
        if (value < 0) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, field,
                    "must be a u64 in 0..2^63-1, got " + Long.toUnsignedString(value));
        }
        return value;
    }

    public static long range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, field,
                    "must be in " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    public static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new ProtocolException(ErrorCode.EMPTY, field, "is required");
        }
        return value;
    }
}
