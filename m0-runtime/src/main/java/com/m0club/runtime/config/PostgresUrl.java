package com.m0club.runtime.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A PostgreSQL location split into a JDBC URL without credentials, a user and a password, so the URL can be logged
 * and the password cannot. Accepts the two spellings operators paste into {@code M0_POSTGRES_URL}:
 * <ul>
 *   <li>{@code jdbc:postgresql://host[:port][,host2[:port]]/db[?user=..&password=..&sslmode=..]}</li>
 *   <li>{@code postgresql://[user[:password]@]host[:port][,...]/db[?sslmode=..]} (libpq style; {@code postgres://}
 *       too); user and password are percent-decoded</li>
 * </ul>
 * Other query parameters pass through to the driver unchanged. The path must be exactly one database name.
 *
 * <p>This is the one PostgreSQL URL parser: the config key {@code M0_POSTGRES_URL} is of this type (so a bad URL
 * fails at load, naming the key), and m0-store's {@code Database} parses the URL it is given with it too.
 *
 * @param text the URL exactly as configured, credentials included: never log it
 * @param jdbcUrl the JDBC URL with any {@code user} and {@code password} parameters removed
 * @param user the user, from the authority or the {@code user} parameter
 * @param password the password, from the authority or the {@code password} parameter: never log it
 */
public record PostgresUrl(String text, String jdbcUrl, Optional<String> user, Optional<String> password) {
    private static final String JDBC_PREFIX = "jdbc:postgresql://";
    private static final String PREFIX = "postgres url: ";
    /** The rule shown when the text is not a PostgreSQL URL at all. */
    public static final String RULE = "must start with jdbc:postgresql:// or postgresql://";

    public PostgresUrl {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /**
     * Parses either spelling.
     *
     * @throws IllegalArgumentException naming the rule; the message never repeats the password
     */
    public static PostgresUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("postgres url: must be set (jdbc:postgresql://host:port/db or"
                    + " postgresql://user:password@host:port/db)");
        }
        String u = url.strip();
        String rest;
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (u.startsWith(JDBC_PREFIX)) {
            rest = u.substring(JDBC_PREFIX.length());
        } else if (u.startsWith("postgresql://") || u.startsWith("postgres://")) {
            rest = u.substring(u.indexOf("://") + 3);
            int slash = indexOfAny(rest, "/?");
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String info = authority.substring(0, at);
                int colon = info.indexOf(':');
                user = nonEmpty(decode(colon < 0 ? info : info.substring(0, colon)));
                password = colon < 0 ? Optional.empty() : nonEmpty(decode(info.substring(colon + 1)));
                rest = rest.substring(at + 1);
            }
        } else {
            throw new IllegalArgumentException(PREFIX + RULE + ", got " + scheme(u));
        }
        int q = rest.indexOf('?');
        String base = q < 0 ? rest : rest.substring(0, q);
        String hosts = base.contains("/") ? base.substring(0, base.indexOf('/')) : base;
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("postgres url: must name a host, got " + redact(u));
        }
        String database = base.contains("/") ? base.substring(base.indexOf('/') + 1) : "";
        if (database.isEmpty()) {
            throw new IllegalArgumentException("postgres url: must name a database (host/db), got " + redact(u));
        }
        if (database.contains("/")) {
            throw new IllegalArgumentException("postgres url: must name exactly one database in its path, got " + redact(u));
        }
        List<String> kept = new ArrayList<>();
        if (q >= 0) {
            for (String param : rest.substring(q + 1).split("&")) {
                if (param.isEmpty()) {
                    continue;
                }
                int eq = param.indexOf('=');
                String key = eq < 0 ? param : param.substring(0, eq);
                String value = eq < 0 ? "" : decode(param.substring(eq + 1));
                switch (key) {
                    case "user" -> user = nonEmpty(value);
                    case "password" -> password = nonEmpty(value);
                    default -> kept.add(param);
                }
            }
        }
        String jdbc = JDBC_PREFIX + base + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new PostgresUrl(u, jdbc, user, password);
    }

    /** The value type for config keys: parses with {@link #parse}, renders the configured text. */
    public static ValueType<PostgresUrl> type() {
        return new ValueType<>() {
            @Override
            public PostgresUrl parse(String raw) {
                try {
                    return PostgresUrl.parse(raw);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(ruleOnly(e.getMessage()));
                }
            }

            @Override
            public String render(PostgresUrl value) {
                return value.text();
            }
        };
    }

    /** The URL and user, for logs and {@code /v1/info}; never the password. */
    @Override
    public String toString() {
        return jdbcUrl + user.map(x -> " (user " + x + ")").orElse("") + password.map(x -> " (password ***)").orElse("");
    }

    /**
     * The rule part of a {@link #parse} message, phrased to follow the key name and without the (redacted) input:
     * what a config error shows after {@code postgres_url (from ...)}.
     */
    static String ruleOnly(String message) {
        String rule = message.startsWith(PREFIX) ? message.substring(PREFIX.length()) : message;
        int got = rule.indexOf(", got ");
        return got < 0 ? rule : rule.substring(0, got);
    }

    /** The scheme of text that is not a PostgreSQL URL, never the rest (it may be a pasted password). */
    private static String scheme(String text) {
        int sep = text.indexOf("://");
        String scheme = sep < 0 ? "" : text.substring(0, sep);
        return scheme.matches("[A-Za-z][A-Za-z0-9+.:-]{0,30}") ? "scheme " + scheme + "://" : "text that is not a URL";
    }

    /** Replaces anything that looks like a password in a URL we could not parse. */
    static String redact(String url) {
        String s = url.replaceAll("(?i)(password=)[^&]*", "$1***");
        return s.replaceAll("://([^:/@]*):[^@/]*@", "://$1:***@");
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Optional<String> nonEmpty(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
