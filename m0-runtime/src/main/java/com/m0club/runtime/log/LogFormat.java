package com.m0club.runtime.log;

import java.util.Locale;

/** How log events are written to stdout: one JSON object per line (production) or a readable line (local use). */
public enum LogFormat {
    JSON,
    TEXT;

    /** Lowercase id, as written in {@code M0_LOG_FORMAT}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code json|text}, case-insensitively. */
    public static LogFormat of(String id) {
        for (LogFormat format : values()) {
            if (format.id().equalsIgnoreCase(id.strip())) {
                return format;
            }
        }
        throw new IllegalArgumentException("log format must be json or text, got '" + id + "'");
    }
}
