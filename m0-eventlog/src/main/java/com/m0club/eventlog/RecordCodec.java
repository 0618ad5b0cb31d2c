package com.m0club.eventlog;

/**
 * Turns the records of one topic into bytes and back, so an event log that leaves the process (Kafka, NATS) can carry
 * every record type. A codec encodes the record's payload only; the record schema version is carried next to it, as
 * {@link Topic#version()} (a Kafka adapter puts it in a record header), and checked by {@link Topic#decode}.
 *
 * <p>Contract of every implementation:
 * <ul>
 *   <li>Deterministic: the same record always gives the same bytes, and {@code encode(decode(b))} equals {@code b}
 *       for every {@code b} that decodes.</li>
 *   <li>Lossless: {@code decode(encode(r))} is a record equal to {@code r} (component by component; byte arrays by
 *       content).</li>
 *   <li>Strict and bounded: {@link #decode} reads only within the given array, refuses trailing bytes, and fails on
 *       malformed input with a {@link RecordFormatException} naming the record, the field and the rule broken, never
 *       with another exception.</li>
 * </ul>
 * {@link RecordWriter} and {@link RecordReader} give the shared layout: big-endian integers and length-prefixed
 * fields.
 *
 * @param <T> the record type
 */
public interface RecordCodec<T> {
    /** The record's bytes (payload only, no schema version). */
    byte[] encode(T record);

    /**
     * The record these bytes encode.
     *
     * @throws RecordFormatException when the bytes are truncated, have trailing bytes, or break a field's rule
     */
    T decode(byte[] bytes);
}
