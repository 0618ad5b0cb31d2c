package com.m0club.adapter.eventlog.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The brokers a client first contacts ({@code bootstrap.servers}), parsed from an event log URL
 * {@code kafka://host:port[,host:port...]} (the {@code eventlog_url} setting). No credentials, path, query or options:
 * the URL only names brokers, so it can be printed and logged as it is.
 *
 * @param servers {@code host:port} entries, at least one, in the given order
 */
public record KafkaBootstrap(List<String> servers) {
    /** The URL scheme this adapter serves. */
    public static final String SCHEME = "kafka";

    private static final Pattern SERVER = Pattern.compile(
            "(\\[[0-9a-fA-F:.]+]|[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?):([0-9]{1,5})");

    public KafkaBootstrap {
        Objects.requireNonNull(servers, "servers");
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("servers: must name at least one host:port");
        }
        for (String s : servers) {
            var m = SERVER.matcher(s);
            if (!m.matches()) {
                throw new IllegalArgumentException("servers: each entry must be host:port, got '" + s + "'");
            }
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("servers: port must be 1..65535, got " + port + " in '" + s + "'");
            }
        }
    }

    /**
     * The brokers of {@code kafka://host:port[,host:port...]}.
     *
     * @throws IllegalArgumentException naming the rule broken; the message never repeats a credential part of the URL
     */
    public static KafkaBootstrap parse(String url) {
        Objects.requireNonNull(url, "url");
        String prefix = SCHEME + "://";
        if (!url.startsWith(prefix)) {
            throw new IllegalArgumentException("a Kafka event log URL must start with " + prefix);
        }
        String rest = url.substring(prefix.length());
        if (rest.contains("@")) {
            throw new IllegalArgumentException("a Kafka event log URL must not carry credentials (user:password@):"
                    + " this build connects to Kafka over PLAINTEXT without authentication");
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.contains("/") || rest.contains("?") || rest.contains("#")) {
            throw new IllegalArgumentException("a Kafka event log URL names brokers only (kafka://host:port[,host:port]),"
                    + " without a path, query or fragment; got " + url);
        }
        List<String> servers = new ArrayList<>();
        for (String s : rest.split(",", -1)) {
            String server = s.strip();
            if (server.isEmpty()) {
                throw new IllegalArgumentException("a Kafka event log URL must list host:port entries separated by"
                        + " commas, got an empty entry in " + url);
            }
            servers.add(server);
        }
        try {
            return new KafkaBootstrap(servers);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a Kafka event log URL is kafka://host:port[,host:port]: "
                    + e.getMessage(), e);
        }
    }

    /** The {@code bootstrap.servers} value: the entries joined with commas. */
    public String bootstrapServers() {
        return String.join(",", servers);
    }

    /** {@code kafka://host:port,...}. */
    @Override
    public String toString() {
        return SCHEME + "://" + bootstrapServers();
    }
}
