package com.m0club.eventlog;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named, typed, versioned stream of records, with the codec that carries its records as bytes. Each topic is
 * defined by the module that produces it (for example {@code EngineTopics} in m0-engine); the version is the record
 * schema version (a consumer built for version 1 must not read version 2 silently). One name has one definition
 * within an event log: using a second definition (another type, version or codec instance) for the same name is an
 * error.
 *
 * <p>The schema version travels beside the payload, not inside it: {@link #encode} gives the payload, an adapter
 * writes {@link #version()} where its technology carries metadata (a Kafka record header), and {@link #decode} checks
 * the version it is given before decoding.
 *
 * @param name the topic name, for example {@link Topics#EVENTS}: {@code [a-z0-9][a-z0-9._-]{0,127}}
 * @param type the record class; publish checks every record against it
 * @param version the record schema version, >= 1
 * @param codec the record codec (one instance per topic: codecs are compared by identity)
 */
public record Topic<T>(String name, Class<T> type, int version, RecordCodec<T> codec) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(codec, "codec");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("topic name: must match " + NAME + ", got \"" + name + "\"");
        }
        if (version < 1) {
            throw new IllegalArgumentException("topic " + name + " version: must be >= 1, got " + version);
        }
    }

    public static <T> Topic<T> of(String name, Class<T> type, int version, RecordCodec<T> codec) {
        return new Topic<>(name, type, version, codec);
    }

    /** The record's payload bytes (the schema version is {@link #version()}, carried beside them). */
    public byte[] encode(T record) {
        if (!type.isInstance(record)) {
            throw new IllegalArgumentException("record for " + this + " must be a " + type.getName() + ", got "
                    + (record == null ? "null" : record.getClass().getName()));
        }
        return codec.encode(record);
    }

    /**
     * The record in {@code payload}, written with schema version {@code schemaVersion}.
     *
     * @throws RecordFormatException naming this topic when the version is not this topic's or the payload is malformed
     */
    public T decode(int schemaVersion, byte[] payload) {
        if (schemaVersion != version) {
            throw new RecordFormatException(name, "schema_version", "this consumer reads version " + version
                    + ", got " + schemaVersion);
        }
        try {
            return codec.decode(payload);
        } catch (RecordFormatException e) {
            throw e.inTopic(name);
        }
    }

    @Override
    public String toString() {
        return name + " (" + type.getSimpleName() + " v" + version + ")";
    }
}
