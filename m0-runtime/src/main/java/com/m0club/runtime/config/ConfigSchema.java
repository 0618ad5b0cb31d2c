package com.m0club.runtime.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The set of keys a process understands, plus cross-key constraints. Knowing every key is what lets the loader
 * reject a misspelt TOML key and warn about a misspelt env var. Schemas compose: a module with its own keys
 * {@linkplain Builder#include includes} {@link M0Keys#schema()} and adds its keys.
 *
 * <p>One key is the profile key ({@code env}): it is resolved first because it selects the defaults of all
 * others.
 */
public final class ConfigSchema {

    private final ConfigKey<Profile> profileKey;
    private final List<ConfigKey<?>> keys;
    private final Map<String, ConfigKey<?>> byToml;
    private final List<ConfigConstraint> constraints;
    private final Set<String> knownEnv;
    private final Set<String> warnPrefixes;

    private ConfigSchema(Builder builder) {
        this.profileKey = builder.profileKey;
        this.keys = List.copyOf(builder.keys.values());
        Map<String, ConfigKey<?>> toml = new LinkedHashMap<>();
        Map<String, ConfigKey<?>> env = new LinkedHashMap<>();
        for (ConfigKey<?> key : keys) {
            putUnique(toml, key.tomlPath(), key, "TOML path");
            putUnique(env, key.envVar(), key, "env var");
        }
        checkTomlPrefixes(toml.keySet());
        this.byToml = Collections.unmodifiableMap(toml);
        this.constraints = List.copyOf(builder.constraints);
        for (ConfigConstraint constraint : constraints) {
            for (ConfigKey<?> key : constraint.keys()) {
                if (!builder.keys.containsKey(key.name())) {
                    throw new IllegalArgumentException("constraint '" + constraint.rule() + "' names key "
                            + key.name() + ", which is not in the schema");
                }
            }
        }
        this.knownEnv = Set.copyOf(builder.knownEnv);
        this.warnPrefixes = Set.copyOf(builder.warnPrefixes);
    }

    /** Starts a schema whose profile is selected by {@code profileKey} (added as the first key). */
    public static Builder builder(ConfigKey<Profile> profileKey) {
        return new Builder(profileKey);
    }

    public ConfigKey<Profile> profileKey() {
        return profileKey;
    }

    /** Keys in declaration order. */
    public List<ConfigKey<?>> keys() {
        return keys;
    }

    /** True if {@code key} (by name) belongs to this schema. */
    public boolean contains(ConfigKey<?> key) {
        ConfigKey<?> known = byToml.get(key.tomlPath());
        return known != null && known.equals(key);
    }

    public List<ConfigConstraint> constraints() {
        return constraints;
    }

    /** Env vars that are expected but are not config keys (e.g. {@code M0_IMAGE_DIGEST}): never warned about. */
    public Set<String> knownEnv() {
        return knownEnv;
    }

    /** Env var prefixes whose unknown members produce a warning (typo protection without failing). */
    public Set<String> warnPrefixes() {
        return warnPrefixes;
    }

    private static void putUnique(Map<String, ConfigKey<?>> map, String id, ConfigKey<?> key, String what) {
        ConfigKey<?> previous = map.putIfAbsent(id, key);
        if (previous != null) {
            throw new IllegalArgumentException(what + " " + id + " is used by both " + previous.name() + " and "
                    + key.name());
        }
    }

    /** A leaf path may not also be a table ({@code a.b} and {@code a.b.c}): TOML could not express both. */
    private static void checkTomlPrefixes(Set<String> paths) {
        for (String path : paths) {
            for (String other : paths) {
                if (other.startsWith(path + ".")) {
                    throw new IllegalArgumentException("TOML path " + path + " is both a value and the table of "
                            + other);
                }
            }
        }
    }

    /** Builder; adding the same key object twice is harmless, two different keys with one name are an error. */
    public static final class Builder {
        private final ConfigKey<Profile> profileKey;
        private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
        private final List<ConfigConstraint> constraints = new ArrayList<>();
        private final Set<String> knownEnv = new LinkedHashSet<>();
        private final Set<String> warnPrefixes = new LinkedHashSet<>();

        private Builder(ConfigKey<Profile> profileKey) {
            this.profileKey = Objects.requireNonNull(profileKey, "profileKey");
            key(profileKey);
        }

        public Builder key(ConfigKey<?> key) {
            Objects.requireNonNull(key, "key");
            ConfigKey<?> previous = keys.putIfAbsent(key.name(), key);
            if (previous != null && previous != key) {
                throw new IllegalArgumentException("two different config keys are named " + key.name());
            }
            return this;
        }

        public Builder keys(ConfigKey<?>... more) {
            for (ConfigKey<?> key : more) {
                key(key);
            }
            return this;
        }

        /** Adds every key, constraint, known env var and warn prefix of {@code other}. */
        public Builder include(ConfigSchema other) {
            key(other.profileKey);
            other.keys.forEach(this::key);
            constraints.addAll(other.constraints);
            knownEnv.addAll(other.knownEnv);
            warnPrefixes.addAll(other.warnPrefixes);
            return this;
        }

        /** A rule over several keys, checked once all of them have valid values. */
        public Builder constraint(String rule, Predicate<Config> test, ConfigKey<?>... keysInvolved) {
            constraints.add(new ConfigConstraint(rule, List.of(keysInvolved), test));
            return this;
        }

        public Builder constraint(ConfigConstraint constraint) {
            constraints.add(Objects.requireNonNull(constraint, "constraint"));
            return this;
        }

        /** Env vars the process reads that are not config keys; they are not reported as unknown. */
        public Builder knownEnv(String... names) {
            knownEnv.addAll(List.of(names));
            return this;
        }

        /** Unknown env vars starting with {@code prefix} are listed in {@link Config#warnings()}. */
        public Builder warnUnknownEnv(String prefix) {
            warnPrefixes.add(Objects.requireNonNull(prefix, "prefix"));
            return this;
        }

        public ConfigSchema build() {
            return new ConfigSchema(this);
        }
    }
}
