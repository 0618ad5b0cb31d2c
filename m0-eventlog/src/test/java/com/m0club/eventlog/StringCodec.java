package com.m0club.eventlog;

/** A test codec: a string as {@code u16 length || UTF-8}. */
enum StringCodec implements RecordCodec<String> {
    INSTANCE;

    @Override
    public byte[] encode(String record) {
        return new RecordWriter().str(record).toByteArray();
    }

    @Override
    public String decode(byte[] bytes) {
        return RecordReader.decode("String", bytes, r -> r.str("value"));
    }
}
