package com.m0club.runtime.config;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A rule over several keys (e.g. {@code dev_signer_threshold <= dev_signer_count}). It is checked only when every
 * key it names has a valid value, so one bad value is not reported twice.
 *
 * @param rule text shown after the key names when the constraint fails
 * @param keys the keys involved, named in the message with their values and sources
 * @param test the check, given the loaded values
 */
public record ConfigConstraint(String rule, List<ConfigKey<?>> keys, Predicate<Config> test) {

    public ConfigConstraint {
        Objects.requireNonNull(rule, "rule");
        keys = List.copyOf(keys);
        Objects.requireNonNull(test, "test");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a constraint must name at least one key");
        }
    }
}
