package com.m0club.adapter.eventlog.nats;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link NatsStreams} lays out the stream of every topic.
 *
 * @param prefix the stream name prefix ({@code [A-Za-z0-9_-]{1,32}}): topic {@code m0.events} is stream
 *     {@code <prefix>_m0_events}; the event log must be built with the same prefix
 * @param partitions subjects per topic, 1..1024 ({@code <topic>.p0 .. p<N-1>}); the event log must be built with the
 *     same number
 * @param replicas JetStream replicas of each stream, 1..5 (more than 1 needs a NATS cluster of at least that size)
 * @param maxAge how long a record is kept (JetStream {@code max_age}), at least 1 minute
 * @param maxBytes the most bytes a topic's stream keeps, or -1 for no limit; with a limit the stream refuses new
 *     records when full (discard policy {@code new}), so a publish fails rather than dropping records that a group has
 *     not read yet
 */
public record StreamSettings(String prefix, int partitions, int replicas, Duration maxAge, long maxBytes) {
    public StreamSettings {
        NatsNames.checkPrefix(prefix);
        Objects.requireNonNull(maxAge, "maxAge");
        if (partitions < 1 || partitions > 1024) {
            throw new IllegalArgumentException("partitions: must be 1..1024, got " + partitions);
        }
        if (replicas < 1 || replicas > 5) {
            throw new IllegalArgumentException("replicas: must be 1..5 (JetStream), got " + replicas);
        }
        if (maxAge.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("maxAge: must be at least 1 minute, got " + maxAge);
        }
        if (maxBytes != -1 && maxBytes < 1024 * 1024) {
            throw new IllegalArgumentException("maxBytes: must be -1 (no limit) or at least 1 MiB, got " + maxBytes);
        }
    }

    /** No byte limit: records are kept for {@code maxAge}. */
    public StreamSettings(String prefix, int partitions, int replicas, Duration maxAge) {
        this(prefix, partitions, replicas, maxAge, -1);
    }
}
