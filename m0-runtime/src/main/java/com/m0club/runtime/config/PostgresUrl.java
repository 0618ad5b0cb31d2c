package com.m0club.runtime.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A PostgreSQL location as operators write it, in either of the two common spellings:
 * {@code postgresql://user:pass@host:port/db?params} (libpq, also {@code postgres://}) or
 * {@code jdbc:postgresql://host:port/db?user=u&password=p&params}. It is split into a JDBC URL without
 * credentials plus the user and password, so a store can hand the URL to a pool and the credentials separately.
 *
 * <p>{@link #toString()} never shows the password: this object travels into logs and error messages.
 */
public final class PostgresUrl {

    /** The rule shown when the text is not a PostgreSQL URL. */
    public static final String RULE =
            "must be postgresql://user:pass@host:port/db or jdbc:postgresql://host:port/db";

    private static final int DEFAULT_PORT = 5432;

    private final String raw;
    private final String host;
    private final int port;
    private final String database;
    private final Optional<String> user;
    private final Optional<String> password;
    private final List<String> parameters;

    private PostgresUrl(String raw, String host, int port, String database, Optional<String> user,
            Optional<String> password, List<String> parameters) {
        this.raw = raw;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.parameters = List.copyOf(parameters);
    }

    /** The value type for config keys. */
    public static ValueType<PostgresUrl> type() {
        return new ValueType<>() {
            @Override
            public PostgresUrl parse(String raw) {
                return PostgresUrl.parse(raw);
            }

            @Override
            public String render(PostgresUrl value) {
                return value.raw;
            }
        };
    }

    /**
     * Parses either spelling.
     *
     * @throws IllegalArgumentException with {@link #RULE} (the text may hold a password, so it is not echoed)
     */
    public static PostgresUrl parse(String text) {
        String raw = text.strip();
        String lower = raw.toLowerCase(Locale.ROOT);
        boolean jdbc = lower.startsWith("jdbc:postgresql://");
        if (!jdbc && !lower.startsWith("postgresql://") && !lower.startsWith("postgres://")) {
            throw new IllegalArgumentException(RULE);
        }
        URI uri;
        try {
            uri = new URI(jdbc ? raw.substring("jdbc:".length()) : raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(RULE);
        }
        String host = uri.getHost();
        String path = uri.getPath();
        if (host == null || host.isEmpty() || path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException(RULE);
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = Optional.of(colon < 0 ? userInfo : userInfo.substring(0, colon)).filter(s -> !s.isEmpty());
            password = colon < 0 ? Optional.empty() : Optional.of(userInfo.substring(colon + 1));
        }
        List<String> parameters = new ArrayList<>();
        String query = uri.getRawQuery();
        if (query != null) {
            for (String parameter : query.split("&")) {
                if (parameter.isEmpty()) {
                    continue;
                }
                int eq = parameter.indexOf('=');
                String name = eq < 0 ? parameter : parameter.substring(0, eq);
                String value = eq < 0 ? "" : decode(parameter.substring(eq + 1));
                switch (name) {
                    case "user" -> user = Optional.of(value);
                    case "password" -> password = Optional.of(value);
                    default -> parameters.add(parameter);
                }
            }
        }
        return new PostgresUrl(raw, host, port, path.substring(1), user, password, parameters);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    /**
     * The URL exactly as configured, credentials included: what m0-store's {@code Database} is given (it splits the
     * credentials itself). Never log it.
     */
    public String text() {
        return raw;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public Optional<String> user() {
        return user;
    }

    /** The password, if any. Never log it. */
    public Optional<String> password() {
        return password;
    }

    /** {@code jdbc:postgresql://host:port/db[?params]} without user or password. */
    public String jdbcUrl() {
        // URI.getHost() keeps the brackets of an IPv6 literal, so host is already in URL form.
        String base = "jdbc:postgresql://" + host + ":" + port + "/" + database;
        return parameters.isEmpty() ? base : base + "?" + String.join("&", parameters);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PostgresUrl that && raw.equals(that.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(raw);
    }

    /** The JDBC URL and user; the password is shown as {@code ***} when present. */
    @Override
    public String toString() {
        return "PostgresUrl[" + jdbcUrl() + ", user=" + user.orElse("<none>")
                + (password.isPresent() ? ", password=***" : "") + "]";
    }
}
