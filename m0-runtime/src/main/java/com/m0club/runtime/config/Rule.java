package com.m0club.runtime.config;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A validation rule on a parsed value, with the text shown when it is broken (phrased to follow the key name:
 * {@code "must be between 1 and 64"}).
 *
 * @param <T> the value type
 */
public record Rule<T>(String text, Predicate<? super T> test) {

    public Rule {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(test, "test");
    }

    /** True if {@code value} satisfies the rule. */
    public boolean accepts(T value) {
        return test.test(value);
    }

    /** Inclusive integer range. */
    public static Rule<Integer> between(int min, int max) {
        return new Rule<>("must be between " + min + " and " + max, v -> v >= min && v <= max);
    }

    /** Inclusive long range. */
    public static Rule<Long> betweenLong(long min, long max) {
        return new Rule<>("must be between " + min + " and " + max, v -> v >= min && v <= max);
    }
}
