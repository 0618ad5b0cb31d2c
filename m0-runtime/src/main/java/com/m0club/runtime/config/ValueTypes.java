package com.m0club.runtime.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Stock {@link ValueType}s. Each throws {@link IllegalArgumentException} with the broken rule, never the input. */
public final class ValueTypes {

    private ValueTypes() {
    }

    /** Non-blank text, surrounding whitespace stripped. */
    public static ValueType<String> string() {
        return new ValueType<>() {
            @Override
            public String parse(String raw) {
                String value = raw.strip();
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("must not be blank");
                }
                return value;
            }

            @Override
            public String render(String value) {
                return value;
            }
        };
    }

    /** A decimal {@code int}. */
    public static ValueType<Integer> integer() {
        return new ValueType<>() {
            @Override
            public Integer parse(String raw) {
                try {
                    return Integer.parseInt(raw.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be an integer");
                }
            }

            @Override
            public String render(Integer value) {
                return value.toString();
            }
        };
    }

    /** A decimal {@code long}. */
    public static ValueType<Long> longInteger() {
        return new ValueType<>() {
            @Override
            public Long parse(String raw) {
                try {
                    return Long.parseLong(raw.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be an integer");
                }
            }

            @Override
            public String render(Long value) {
                return value.toString();
            }
        };
    }

    /** {@code true} or {@code false}, case-insensitive. */
    public static ValueType<Boolean> bool() {
        return new ValueType<>() {
            @Override
            public Boolean parse(String raw) {
                return switch (raw.strip().toLowerCase(Locale.ROOT)) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw new IllegalArgumentException("must be true or false");
                };
            }

            @Override
            public String render(Boolean value) {
                return value.toString();
            }
        };
    }

    /** One of a fixed set of words, case-insensitive; renders as the spelling given here. */
    public static ValueType<String> oneOf(String... words) {
        List<String> allowed = List.of(words);
        String rule = "must be one of " + String.join("|", allowed);
        return new ValueType<>() {
            @Override
            public String parse(String raw) {
                String wanted = raw.strip();
                for (String word : allowed) {
                    if (word.equalsIgnoreCase(wanted)) {
                        return word;
                    }
                }
                throw new IllegalArgumentException(rule);
            }

            @Override
            public String render(String value) {
                return value;
            }
        };
    }

    /** An enum constant by its {@link Enum#name()}, case-insensitive. */
    public static <E extends Enum<E>> ValueType<E> enumOf(Class<E> type) {
        return enumOf(type, Enum::name);
    }

    /** An enum constant by an id function, case-insensitive; renders as the id. */
    public static <E extends Enum<E>> ValueType<E> enumOf(Class<E> type, Function<E, String> id) {
        E[] constants = type.getEnumConstants();
        String allowed = Arrays.stream(constants).map(id).collect(Collectors.joining("|"));
        return new ValueType<>() {
            @Override
            public E parse(String raw) {
                String wanted = raw.strip();
                for (E constant : constants) {
                    if (id.apply(constant).equalsIgnoreCase(wanted)) {
                        return constant;
                    }
                }
                throw new IllegalArgumentException("must be one of " + allowed);
            }

            @Override
            public String render(E value) {
                return id.apply(value);
            }
        };
    }

    /**
     * A comma-separated set of enum ids (case-insensitive; repeats and empty entries ignored). Renders in
     * declaration order, so {@code "b,a"} and {@code "a,b"} hash alike.
     */
    public static <E extends Enum<E>> ValueType<Set<E>> enumSet(Class<E> type, Function<E, String> id) {
        ValueType<List<E>> entries = list(enumOf(type, id));
        return new ValueType<>() {
            @Override
            public Set<E> parse(String raw) {
                EnumSet<E> result = EnumSet.noneOf(type);
                result.addAll(entries.parse(raw));
                return Collections.unmodifiableSet(result);
            }

            @Override
            public String render(Set<E> value) {
                return value.stream().sorted().map(id).collect(Collectors.joining(","));
            }
        };
    }

    /** A comma-separated list (surrounding whitespace and empty entries dropped); order is kept. */
    public static <E> ValueType<List<E>> list(ValueType<E> element) {
        return new ValueType<>() {
            @Override
            public List<E> parse(String raw) {
                List<String> entries = splitList(raw);
                List<E> result = new ArrayList<>(entries.size());
                for (int i = 0; i < entries.size(); i++) {
                    result.add(parseEntry(element, entries, i));
                }
                return List.copyOf(result);
            }

            @Override
            public String render(List<E> value) {
                return value.stream().map(element::render).collect(Collectors.joining(","));
            }
        };
    }

    /** An absolute URL with a host and one of the given schemes (lowercase). */
    public static ValueType<URI> url(String... schemes) {
        Set<String> allowed = Set.of(schemes);
        String rule = "must be a URL with scheme " + String.join(" or ", schemes) + " and a host";
        return new ValueType<>() {
            @Override
            public URI parse(String raw) {
                URI uri;
                try {
                    uri = new URI(raw.strip());
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException(rule);
                }
                if (uri.getScheme() == null || !allowed.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                        || uri.getHost() == null || uri.getHost().isEmpty()) {
                    throw new IllegalArgumentException(rule);
                }
                return uri;
            }

            @Override
            public String render(URI value) {
                return value.toString();
            }
        };
    }

    /** A file-system path (not required to exist: the consumer checks that when it opens it). */
    public static ValueType<Path> path() {
        return new ValueType<>() {
            @Override
            public Path parse(String raw) {
                String value = raw.strip();
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("must be a non-empty path");
                }
                try {
                    return Path.of(value);
                } catch (InvalidPathException e) {
                    throw new IllegalArgumentException("must be a valid file system path");
                }
            }

            @Override
            public String render(Path value) {
                return value.toString();
            }
        };
    }

    private static List<String> splitList(String raw) {
        List<String> entries = new ArrayList<>();
        for (String part : raw.split(",", -1)) {
            String entry = part.strip();
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static <E> E parseEntry(ValueType<E> element, List<String> entries, int index) {
        try {
            return element.parse(entries.get(index));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("entry " + (index + 1) + " " + e.getMessage(), e);
        }
    }
}
