package com.m0club.runtime.config;

import java.nio.file.Path;
import java.util.Objects;

/** Where a config value came from; named in every error and in {@link Config#describe()}. */
public sealed interface ValueSource {

    /** The three sources, highest precedence first. */
    enum Kind {
        ENV,
        TOML,
        DEFAULT
    }

    Kind kind();

    /** Human text: {@code ENV M0_X}, {@code TOML file:path} or {@code default}. */
    String describe();

    /** Set by an environment variable. */
    record Env(String variable) implements ValueSource {
        public Env {
            Objects.requireNonNull(variable, "variable");
        }

        @Override
        public Kind kind() {
            return Kind.ENV;
        }

        @Override
        public String describe() {
            return "ENV " + variable;
        }
    }

    /** Set in a TOML file at a dotted path. */
    record Toml(Path file, String path) implements ValueSource {
        public Toml {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(path, "path");
        }

        @Override
        public Kind kind() {
            return Kind.TOML;
        }

        @Override
        public String describe() {
            return "TOML " + file + ":" + path;
        }
    }

    /** The built-in default of the active profile. */
    record Default(Profile profile) implements ValueSource {
        public Default {
            Objects.requireNonNull(profile, "profile");
        }

        @Override
        public Kind kind() {
            return Kind.DEFAULT;
        }

        @Override
        public String describe() {
            return "default";
        }
    }
}
