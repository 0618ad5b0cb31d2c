package com.m0club.runtime.config;

import com.m0club.runtime.log.Redactor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The effective, validated configuration of a process: a typed value and its {@link ValueSource} for each key
 * that has one. Built only by {@link ConfigLoader}; immutable.
 *
 * <p>{@link #hash()} identifies the effective configuration (reported by {@code /v1/info}, a metric label and the
 * first log line) so two pods can be compared without exposing secrets. {@link #describe()} is the redacted
 * listing for logs.
 */
public final class Config {

    /** Printed instead of a secret value. */
    public static final String REDACTED = Redactor.MASK;

    private final ConfigSchema schema;
    private final Profile profile;
    private final Map<ConfigKey<?>, Object> values;
    private final Map<ConfigKey<?>, ValueSource> sources;
    private final List<String> warnings;
    private final String hash;

    Config(ConfigSchema schema, Profile profile, Map<ConfigKey<?>, Object> values,
            Map<ConfigKey<?>, ValueSource> sources, List<String> warnings) {
        this.schema = schema;
        this.profile = profile;
        this.values = Map.copyOf(values);
        this.sources = Map.copyOf(sources);
        this.warnings = List.copyOf(warnings);
        this.hash = Sha256.hex(canonical());
    }

    public ConfigSchema schema() {
        return schema;
    }

    /** The active profile ({@code M0_ENV}). */
    public Profile profile() {
        return profile;
    }

    /**
     * The value of a key that has one (set, defaulted, or required).
     *
     * @throws NoSuchElementException if the key is optional and not set (use {@link #find})
     * @throws IllegalArgumentException if the key is not in this config's schema
     */
    public <T> T get(ConfigKey<T> key) {
        return find(key).orElseThrow(() -> new NoSuchElementException("config key " + key.name()
                + " has no value: set ENV " + key.envVar() + " or TOML " + key.tomlPath()));
    }

    /** The value of a key, or empty if it is optional and not set. */
    public <T> Optional<T> find(ConfigKey<T> key) {
        requireKnown(key);
        return Optional.ofNullable(values.get(key)).map(key::cast);
    }

    /** Where the key's value came from, or empty if it has none. */
    public Optional<ValueSource> source(ConfigKey<?> key) {
        requireKnown(key);
        return Optional.ofNullable(sources.get(key));
    }

    /** Non-fatal findings, e.g. unknown {@code M0_*} env vars (likely typos). Log them at WARN. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Lowercase hex SHA-256 over the canonical lines {@code name=value\n}, sorted by name, of every key with a
     * value. Secret values enter as their own SHA-256, so the hash changes when a secret changes without
     * revealing it. Unset optional keys contribute no line.
     */
    public String hash() {
        return hash;
    }

    /** One line per key, {@code name = value (source)}, secrets as {@value #REDACTED}, other values redacted. */
    public String describe() {
        StringBuilder text = new StringBuilder("config profile=").append(profile.id()).append(" hash=")
                .append(hash);
        for (ConfigKey<?> key : schema.keys()) {
            text.append("\n  ").append(key.name()).append(" = ");
            Object value = values.get(key);
            if (value == null) {
                text.append("<unset>");
            } else {
                text.append(key.secret() ? REDACTED : Redactor.redact(key.render(value)))
                        .append(" (").append(sources.get(key).describe()).append(")");
            }
        }
        return text.toString();
    }

    /** Never the values: only the profile and hash. */
    @Override
    public String toString() {
        return "Config[profile=" + profile.id() + ", hash=" + hash + "]";
    }

    private String canonical() {
        List<ConfigKey<?>> keys = new ArrayList<>(values.keySet());
        keys.sort(Comparator.comparing(ConfigKey::name));
        StringBuilder text = new StringBuilder();
        for (ConfigKey<?> key : keys) {
            String rendered = key.render(values.get(key));
            String value = key.secret() ? Sha256.hex(rendered) : escape(rendered);
            text.append(key.name()).append('=').append(value).append('\n');
        }
        return text.toString();
    }

    /** Keeps one line per key even if a value contains a newline. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    private void requireKnown(ConfigKey<?> key) {
        if (!schema.contains(key)) {
            throw new IllegalArgumentException("config key " + key.name() + " is not part of this schema");
        }
    }
}
