package com.m0club.eventlog;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named, typed, versioned stream of records. The record type is defined by the module that produces it; the
 * version is the record schema version (a consumer built for version 1 must not read version 2 silently). One name
 * has one type and version within an event log: using a second definition for the same name is an error.
 *
 * @param name the topic name, for example {@link Topics#EVENTS}: {@code [a-z0-9][a-z0-9._-]{0,127}}
 * @param type the record class; publish checks every record against it
 * @param version the record schema version, >= 1
 */
public record Topic<T>(String name, Class<T> type, int version) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("topic name: must match " + NAME + ", got \"" + name + "\"");
        }
        if (version < 1) {
            throw new IllegalArgumentException("topic " + name + " version: must be >= 1, got " + version);
        }
    }

    public static <T> Topic<T> of(String name, Class<T> type, int version) {
        return new Topic<>(name, type, version);
    }

    @Override
    public String toString() {
        return name + " (" + type.getSimpleName() + " v" + version + ")";
    }
}
