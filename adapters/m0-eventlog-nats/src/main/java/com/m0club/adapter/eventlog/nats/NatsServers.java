package com.m0club.adapter.eventlog.nats;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The NATS servers of an event log URL: {@code nats://host:port[,host:port...]} (the {@code eventlog_url} setting),
 * each entry optionally with its own {@code nats://} or {@code tls://} scheme (the first entry's scheme applies to
 * entries without one). Credentials ({@code nats://user:pass@host:port}) are accepted here, never printed
 * ({@link #toString()} removes them), and reported by {@link #hasCredentials()} so that a caller whose setting is not
 * secret can refuse them.
 *
 * @param urls one {@code scheme://[user:pass@]host:port} per server, in the given order
 */
public record NatsServers(List<String> urls) {
    /** The URL scheme this adapter serves ({@code tls} too). */
    public static final String SCHEME = "nats";

    public NatsServers {
        urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("servers: must name at least one nats://host:port");
        }
    }

    /**
     * The servers of {@code nats://host:port[,host:port...]}.
     *
     * @throws IllegalArgumentException naming the entry (without its credentials) and the rule it breaks
     */
    public static NatsServers parse(String url) {
        Objects.requireNonNull(url, "servers");
        List<String> urls = new ArrayList<>();
        String defaultScheme = null;
        for (String part : url.split(",", -1)) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("servers: empty entry in \"" + NatsConnections.redact(url)
                        + "\" (a comma-separated list: nats://host:port[,host:port])");
            }
            if (!entry.contains("://")) {
                if (defaultScheme == null) {
                    throw new IllegalArgumentException("servers: \"" + NatsConnections.redact(entry) + "\" must start"
                            + " with nats:// or tls://");
                }
                entry = defaultScheme + "://" + entry;
            }
            URI uri;
            try {
                uri = new URI(entry);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("servers: \"" + NatsConnections.redact(entry) + "\" is not a URL"
                        + " (nats://host:port)");
            }
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("nats") || scheme.equals("tls"))) {
                throw new IllegalArgumentException("servers: \"" + NatsConnections.redact(entry) + "\" must use"
                        + " nats:// or tls://");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("servers: \"" + NatsConnections.redact(entry) + "\" has no host");
            }
            if (uri.getPort() < 1 && uri.getPort() != -1 || uri.getPort() > 65535) {
                throw new IllegalArgumentException("servers: \"" + NatsConnections.redact(entry) + "\" has port "
                        + uri.getPort() + ", must be 1..65535");
            }
            if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("servers: \"" + NatsConnections.redact(entry) + "\" must be"
                        + " nats://host:port only, without a path, query or fragment");
            }
            if (defaultScheme == null) {
                defaultScheme = scheme;
            }
            urls.add(entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry);
        }
        return new NatsServers(urls);
    }

    /** Whether any entry carries {@code user:password@}. */
    public boolean hasCredentials() {
        return urls.stream().anyMatch(u -> URI.create(u).getRawUserInfo() != null);
    }

    /** The servers joined with commas, credentials removed. */
    @Override
    public String toString() {
        return NatsConnections.redact(String.join(",", urls));
    }
}
