package com.m0club.runtime.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One typed configuration setting: its name ({@code postgres_url}), the env var that sets it
 * ({@code M0_POSTGRES_URL}), its TOML path ({@code postgres.url}), how it parses, its defaults per
 * {@link Profile}, the profiles in which it must be set, its validation rules and whether it is secret.
 *
 * <p>Immutable; identity is the name. Keys are declared once as constants (see {@link M0Keys}) and collected in a
 * {@link ConfigSchema}; {@link Config#get} reads them back typed.
 *
 * @param <T> the value type
 */
public final class ConfigKey<T> {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern ENV = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern TOML = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    private final String name;
    private final String envVar;
    private final String tomlPath;
    private final String description;
    private final ValueType<T> type;
    private final Map<Profile, T> defaults;
    private final Set<Profile> requiredIn;
    private final List<Rule<? super T>> rules;
    private final boolean secret;

    private ConfigKey(Builder<T> builder) {
        this.name = builder.name;
        this.envVar = builder.envVar == null ? "M0_" + builder.name.toUpperCase(Locale.ROOT) : builder.envVar;
        this.tomlPath = builder.tomlPath == null ? builder.name : builder.tomlPath;
        this.description = builder.description;
        this.type = builder.type;
        this.defaults = builder.defaults.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(builder.defaults));
        this.requiredIn = builder.requiredIn.isEmpty() ? Set.of() : Set.copyOf(builder.requiredIn);
        this.rules = List.copyOf(builder.rules);
        this.secret = builder.secret;
    }

    /**
     * Starts a key. Unless overridden, the env var is {@code M0_} + the upper-cased name and the TOML path is the
     * name.
     */
    public static <T> Builder<T> builder(String name, ValueType<T> type) {
        return new Builder<>(name, type);
    }

    /** Snake-case name, e.g. {@code postgres_url}: used in messages, {@link Config#describe()} and the hash. */
    public String name() {
        return name;
    }

    /** The environment variable that overrides the TOML file, e.g. {@code M0_POSTGRES_URL}. */
    public String envVar() {
        return envVar;
    }

    /** Dotted TOML path, e.g. {@code postgres.url} ({@code [postgres]} table, {@code url} key). */
    public String tomlPath() {
        return tomlPath;
    }

    /** One line for operators. */
    public String description() {
        return description;
    }

    public ValueType<T> type() {
        return type;
    }

    /** The built-in default for a profile, if any. */
    public Optional<T> defaultFor(Profile profile) {
        return Optional.ofNullable(defaults.get(profile));
    }

    /** True if loading fails when the key has no value under {@code profile}. */
    public boolean isRequiredIn(Profile profile) {
        return requiredIn.contains(profile);
    }

    /** Validation rules, checked in order after parsing. */
    public List<Rule<? super T>> rules() {
        return rules;
    }

    /** Secret values are never printed; the config hash covers them only through their SHA-256. */
    public boolean secret() {
        return secret;
    }

    /** The texts of the rules {@code value} breaks, in declaration order; empty if valid. */
    public List<String> brokenRules(T value) {
        List<String> broken = new ArrayList<>();
        for (Rule<? super T> rule : rules) {
            if (!rule.accepts(value)) {
                broken.add(rule.text());
            }
        }
        return broken;
    }

    /** Canonical text of a value of this key. */
    public String render(Object value) {
        return type.render(cast(value));
    }

    @SuppressWarnings("unchecked")
    T cast(Object value) {
        return (T) value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConfigKey<?> that && name.equals(that.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "ConfigKey[" + name + ", env=" + envVar + ", toml=" + tomlPath + "]";
    }

    /** Builder; {@link #build()} checks the spelling of names and that defaults do not contradict requirements. */
    public static final class Builder<T> {
        private final String name;
        private final ValueType<T> type;
        private String envVar;
        private String tomlPath;
        private String description = "";
        private final Map<Profile, T> defaults = new EnumMap<>(Profile.class);
        private final Set<Profile> requiredIn = EnumSet.noneOf(Profile.class);
        private final List<Rule<? super T>> rules = new ArrayList<>();
        private boolean secret;

        private Builder(String name, ValueType<T> type) {
            this.name = Objects.requireNonNull(name, "name");
            this.type = Objects.requireNonNull(type, "type");
        }

        /** The env var name (default {@code M0_<NAME>}). */
        public Builder<T> env(String envVar) {
            this.envVar = Objects.requireNonNull(envVar, "envVar");
            return this;
        }

        /** The dotted TOML path (default: the name). */
        public Builder<T> toml(String tomlPath) {
            this.tomlPath = Objects.requireNonNull(tomlPath, "tomlPath");
            return this;
        }

        public Builder<T> description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        /** The same default in every profile. */
        public Builder<T> defaultValue(T value) {
            Objects.requireNonNull(value, "value");
            for (Profile profile : Profile.values()) {
                defaults.put(profile, value);
            }
            return this;
        }

        /** A default for one profile only (other profiles keep theirs, or have none). */
        public Builder<T> defaultIn(Profile profile, T value) {
            defaults.put(Objects.requireNonNull(profile, "profile"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Loading fails if the key has no value under these profiles. */
        public Builder<T> requiredIn(Profile... profiles) {
            for (Profile profile : profiles) {
                requiredIn.add(Objects.requireNonNull(profile, "profile"));
            }
            return this;
        }

        /** Adds a rule; {@code text} is shown after the key name when it fails. */
        public Builder<T> rule(Predicate<? super T> test, String text) {
            rules.add(new Rule<T>(text, test));
            return this;
        }

        public Builder<T> rule(Rule<? super T> rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Marks the value secret: redacted in messages and {@link Config#describe()}, hashed in the config hash. */
        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        public ConfigKey<T> build() {
            requireMatch("name", name, NAME);
            if (envVar != null) {
                requireMatch("env var", envVar, ENV);
            }
            if (tomlPath != null) {
                requireMatch("TOML path", tomlPath, TOML);
            }
            for (Profile profile : requiredIn) {
                if (defaults.containsKey(profile)) {
                    throw new IllegalArgumentException("config key " + name + ": has a default in profile "
                            + profile + " and is also required there");
                }
            }
            return new ConfigKey<>(this);
        }

        private void requireMatch(String what, String value, Pattern pattern) {
            if (!pattern.matcher(value).matches()) {
                throw new IllegalArgumentException("config key " + name + ": " + what + " '" + value
                        + "' must match " + pattern.pattern());
            }
        }
    }
}
