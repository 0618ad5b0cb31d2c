package com.m0club.adapter.eventlog.nats;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the event log's names map onto JetStream's: one stream per topic, one subject per partition, one durable
 * consumer per (group, partition), and the headers a record carries beside its payload.
 *
 * <ul>
 *   <li>Stream: {@code <prefix>_<topic with '.' as '_'>}, for example {@code M0_m0_events}. Two topic names that
 *       map to one stream name ({@code a.b} and {@code a_b}) are caught when the log checks the stream's subjects.</li>
 *   <li>Subject: {@code <topic>.p<N>} for partition N, for example {@code m0.events.p3}.</li>
 *   <li>Durable: {@code <group>-p<N>}, every character of the group outside {@code [A-Za-z0-9-]} written as
 *       {@code _HH} (its UTF-8 bytes in hex), so any group name is a valid, distinct consumer name.</li>
 * </ul>
 */
final class NatsNames {
    /** The topic's record schema version ({@code Topic.version()}), decimal. */
    static final String SCHEMA_VERSION = "m0-schema-version";
    /** When the log accepted the record, by the log's clock: epoch milliseconds, decimal. */
    static final String PUBLISHED_AT_MS = "m0-published-at-ms";
    /** The record's key (market id), URL-encoded UTF-8 (NATS header values are ASCII). */
    static final String KEY = "m0-key";

    /** The rule of {@code Topic.name()}. */
    private static final Pattern TOPIC = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final int MAX_HEADER_NAME = 128;
    private static final int MAX_HEADER_VALUE = 4096;

    private NatsNames() {}

    /**
     * The stream name prefix, checked.
     *
     * @throws IllegalArgumentException unless it matches {@code [A-Za-z0-9_-]{1,32}}
     */
    static String checkPrefix(String prefix) {
        Objects.requireNonNull(prefix, "streamPrefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("streamPrefix: must match " + PREFIX + ", got \"" + prefix + "\"");
        }
        return prefix;
    }

    /**
     * A topic name, checked by the rule of {@code Topic}.
     *
     * @throws IllegalArgumentException unless it matches {@code [a-z0-9][a-z0-9._-]{0,127}}
     */
    static String checkTopic(String topic) {
        if (!TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("topic name: must match " + TOPIC + ", got \"" + topic + "\"");
        }
        return topic;
    }

    static String stream(String prefix, String topic) {
        return prefix + "_" + topic.replace('.', '_');
    }

    static String subject(String topic, int partition) {
        return topic + ".p" + partition;
    }

    /** The subjects of a topic with {@code partitions} partitions, in partition order. */
    static List<String> subjects(String topic, int partitions) {
        List<String> subjects = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            subjects.add(subject(topic, p));
        }
        return List.copyOf(subjects);
    }

    static String durable(String group, int partition) {
        return encodeGroup(group) + "-p" + partition;
    }

    /** The group as a consumer name fragment: {@code [A-Za-z0-9-]} kept, every other character as {@code _HH}. */
    static String encodeGroup(String group) {
        StringBuilder out = new StringBuilder(group.length());
        for (byte b : group.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
                out.append(c);
            } else {
                out.append('_').append(String.format(Locale.ROOT, "%02x", b & 0xff));
            }
        }
        return out.toString();
    }

    static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    /**
     * The key a header value encodes.
     *
     * @throws IllegalArgumentException when the value is not URL-encoded UTF-8
     */
    static String decodeKey(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    /**
     * Checks the headers a publisher gives: names of printable ASCII without {@code ':'} (at most 128 characters),
     * values of printable ASCII neither beginning nor ending with a space (at most 4096), and no name the log or NATS
     * reserves ({@code m0-*}, {@code Nats-*}).
     *
     * @throws IllegalArgumentException naming the header and the rule it breaks
     */
    static void checkHeaders(Map<String, String> headers) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            String value = h.getValue();
            if (name.isEmpty() || name.length() > MAX_HEADER_NAME) {
                throw new IllegalArgumentException("headers: a name must be 1.." + MAX_HEADER_NAME
                        + " characters, got \"" + name + "\"");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c < 33 || c > 126 || c == ':') {
                    throw new IllegalArgumentException("headers: name \"" + name + "\" must be printable ASCII"
                            + " without ':' or spaces (NATS header names), got character 0x"
                            + Integer.toHexString(c));
                }
            }
            if (isReserved(name)) {
                throw new IllegalArgumentException("headers: name \"" + name + "\" is reserved (m0-* belongs to the"
                        + " event log, Nats-* to NATS)");
            }
            if (value.length() > MAX_HEADER_VALUE) {
                throw new IllegalArgumentException("headers: value of " + name + " must be at most "
                        + MAX_HEADER_VALUE + " characters, got " + value.length());
            }
            if (!value.isEmpty() && (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ')) {
                throw new IllegalArgumentException("headers: value of " + name + " must not begin or end with a space"
                        + " (NATS drops it)");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 32 || c > 126) {
                    throw new IllegalArgumentException("headers: value of " + name + " must be printable ASCII"
                            + " (NATS header values), got character 0x" + Integer.toHexString(c));
                }
            }
        }
    }

    /** Whether a header name belongs to the log ({@code m0-*}) or to NATS ({@code Nats-*}), case-insensitively. */
    static boolean isReserved(String name) {
        return name.regionMatches(true, 0, "m0-", 0, 3) || name.regionMatches(true, 0, "nats-", 0, 5);
    }
}
