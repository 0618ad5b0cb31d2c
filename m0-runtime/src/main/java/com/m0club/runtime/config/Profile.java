package com.m0club.runtime.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The deployment profile ({@code M0_ENV}). It selects per-profile defaults: {@code dev} runs everything in one
 * process with embedded dependencies, while {@code staging} and {@code prod} require every external dependency
 * to be configured explicitly.
 */
public enum Profile {
    DEV("dev"),
    STAGING("staging"),
    PROD("prod");

    private final String id;

    Profile(String id) {
        this.id = id;
    }

    /** Lowercase name as written in {@code M0_ENV}. */
    public String id() {
        return id;
    }

    /** The value type for config keys: case-insensitive {@code dev|staging|prod}. */
    public static ValueType<Profile> type() {
        return ValueTypes.enumOf(Profile.class, Profile::id);
    }

    /** All ids joined with {@code |}, for messages. */
    public static String ids() {
        return Arrays.stream(values()).map(Profile::id).collect(Collectors.joining("|"));
    }

    @Override
    public String toString() {
        return id;
    }
}
