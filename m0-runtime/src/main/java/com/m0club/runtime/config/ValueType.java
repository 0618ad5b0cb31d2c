package com.m0club.runtime.config;

/**
 * How one config value is read from text and written back canonically. Env vars and TOML leaves both arrive as
 * text (TOML arrays as comma-joined text), so one parser serves both sources.
 *
 * <p>{@link #render} must be canonical: two inputs meaning the same value render identically, because the
 * rendering feeds {@link Config#hash()}.
 *
 * @param <T> the typed value
 */
public interface ValueType<T> {

    /**
     * Parses raw text.
     *
     * @throws IllegalArgumentException whose message is the rule the text broke, phrased to follow the key name,
     *     e.g. {@code "must be an integer"}; it must not echo the input (the caller decides whether it is secret)
     */
    T parse(String raw);

    /** Canonical text of a value. */
    String render(T value);
}
