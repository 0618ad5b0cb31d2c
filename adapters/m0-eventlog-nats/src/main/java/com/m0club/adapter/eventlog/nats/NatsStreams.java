package com.m0club.adapter.eventlog.nats;

import com.m0club.eventlog.Topics;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and updates the JetStream streams of M0Club's topics (the administration behind {@code m0 eventlog init}):
 * one file-backed stream per topic, named {@code <prefix>_<topic>}, with the subjects {@code <topic>.p0 ..
 * p<partitions-1>}, the configured replicas and {@code max_age} retention (and, when set, a byte limit that refuses new
 * records when full). Idempotent: a stream that already has the settings is left alone; one that differs is updated in
 * place (more partitions, other replicas, age or byte limit). It refuses what would lose records or move keys
 * silently: fewer partitions than the stream has, another storage type, or a stream of that name holding other
 * subjects.
 *
 * <p>Adding partitions moves keys to other partitions ({@code floorMod(hash, partitions)}): records of one key
 * published before and after may then be handled out of order by a group that still has older ones pending. Grow
 * partitions while the producers are stopped and the groups have caught up.
 *
 * <p>Not thread-safe; opens its own connection, closed by {@link #close()}.
 */
public final class NatsStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NatsStreams.class);
    private static final int STREAM_NOT_FOUND = 10059;

    /** The topics {@link #ensureAll()} lays out: every name in {@link Topics}. */
    public static final List<String> M0_TOPICS = List.of(Topics.EVENTS, Topics.SOURCE_HEALTH, Topics.FEATURES,
            Topics.OUTPUTS, Topics.BUNDLES, Topics.PUBLISHED, Topics.WITHDRAWN);

    /** What {@link #ensure} did to a topic's stream. */
    public enum Outcome {
        CREATED, UPDATED, UNCHANGED
    }

    /** One topic's stream after {@link #ensure}. */
    public record Result(String topic, String stream, Outcome outcome) {
        @Override
        public String toString() {
            return topic + " -> stream " + stream + ": " + outcome.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final StreamSettings settings;
    private final Connection connection;
    private final JetStreamManagement jsm;

    /**
     * Connects to {@code servers} ({@code nats://host:port[,host:port]}, see {@link NatsServers}).
     *
     * @throws IllegalArgumentException when the server list is malformed
     * @throws IllegalStateException when no server accepts a connection, or JetStream is not enabled on it
     */
    public NatsStreams(String servers, StreamSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        List<String> urls = NatsServers.parse(servers).urls();
        this.connection = NatsConnections.open(urls, "m0-eventlog-admin", Duration.ofSeconds(5),
                Duration.ofSeconds(1), (conn, event) -> LOG.debug("NATS m0-eventlog-admin: {}", event));
        try {
            this.jsm = connection.jetStreamManagement(JetStreamOptions.builder()
                    .requestTimeout(Duration.ofSeconds(5)).build());
        } catch (IOException e) {
            close();
            throw new IllegalStateException("NATS " + NatsConnections.redact(servers) + ": JetStream is not available"
                    + " (start nats-server with -js): " + e.getMessage());
        }
    }

    public StreamSettings settings() {
        return settings;
    }

    /** The stream name of {@code topic} under these settings. */
    public String streamName(String topic) {
        return NatsNames.stream(settings.prefix(), topic);
    }

    /** {@link #ensure} for every topic of {@link #M0_TOPICS}, in that order. */
    public List<Result> ensureAll() {
        return M0_TOPICS.stream().map(this::ensure).toList();
    }

    /**
     * Creates the stream of {@code topic}, or updates it to these settings.
     *
     * @throws IllegalStateException naming the stream and the setting when the change would lose records or move keys
     *     silently (fewer partitions, another storage type, other subjects), or when JetStream refuses the change
     */
    public Result ensure(String topic) {
        Objects.requireNonNull(topic, "topic");
        NatsNames.checkTopic(topic);
        String stream = streamName(topic);
        List<String> subjects = NatsNames.subjects(topic, settings.partitions());
        try {
            StreamInfo info = streamInfo(stream);
            if (info == null) {
                StreamConfiguration config = StreamConfiguration.builder()
                        .name(stream)
                        .description("M0Club event log: topic " + topic)
                        .subjects(subjects)
                        .storageType(StorageType.File)
                        .retentionPolicy(RetentionPolicy.Limits)
                        .replicas(settings.replicas())
                        .maxAge(settings.maxAge())
                        .maxBytes(settings.maxBytes())
                        .discardPolicy(discard())
                        .build();
                jsm.addStream(config);
                LOG.info("event log stream {} created for topic {}: {} partitions, {} replica(s), max age {}", stream,
                        topic, settings.partitions(), settings.replicas(), settings.maxAge());
                return new Result(topic, stream, Outcome.CREATED);
            }
            StreamConfiguration current = info.getConfiguration();
            int have = partitionsOf(stream, topic, current.getSubjects());
            if (have > settings.partitions()) {
                throw new IllegalStateException("stream " + stream + " has " + have + " partitions; refusing to"
                        + " shrink it to " + settings.partitions() + " (records on the removed subjects would no longer"
                        + " be read and keys would move): keep partitions at " + have + " or use another prefix");
            }
            if (current.getStorageType() != StorageType.File) {
                throw new IllegalStateException("stream " + stream + " is stored in " + current.getStorageType()
                        + "; the event log needs file storage (a stream's storage cannot be changed: delete it or use"
                        + " another prefix)");
            }
            boolean same = have == settings.partitions()
                    && current.getReplicas() == settings.replicas()
                    && current.getMaxAge().equals(settings.maxAge())
                    && current.getMaxBytes() == settings.maxBytes()
                    && current.getDiscardPolicy() == discard();
            if (same) {
                return new Result(topic, stream, Outcome.UNCHANGED);
            }
            jsm.updateStream(StreamConfiguration.builder(current)
                    .subjects(subjects)
                    .replicas(settings.replicas())
                    .maxAge(settings.maxAge())
                    .maxBytes(settings.maxBytes())
                    .discardPolicy(discard())
                    .build());
            LOG.info("event log stream {} updated for topic {}: {} -> {} partitions, {} replica(s), max age {}",
                    stream, topic, have, settings.partitions(), settings.replicas(), settings.maxAge());
            return new Result(topic, stream, Outcome.UPDATED);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("stream " + stream + " for topic " + topic + ": JetStream refused: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("stream " + stream + " for topic " + topic + ": NATS did not answer: "
                    + e.getMessage(), e);
        }
    }

    private DiscardPolicy discard() {
        return settings.maxBytes() == -1 ? DiscardPolicy.Old : DiscardPolicy.New;
    }

    private StreamInfo streamInfo(String stream) throws IOException, JetStreamApiException {
        try {
            return jsm.getStreamInfo(stream);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /**
     * The number of partitions a stream's subjects stand for: they must be exactly {@code <topic>.p0 .. p<k-1>}.
     *
     * @throws IllegalStateException when the stream holds other subjects (another topic's, or hand-made)
     */
    static int partitionsOf(String stream, String topic, List<String> subjects) {
        Set<String> have = new HashSet<>(subjects);
        int k = have.size();
        if (!have.equals(new HashSet<>(NatsNames.subjects(topic, k)))) {
            throw new IllegalStateException("stream " + stream + " holds subjects " + subjects + ", not the partitions"
                    + " " + topic + ".p0.." + topic + ".p<N-1> of topic " + topic + " (another topic maps to this"
                    + " stream name, or it was made by hand): use another stream prefix");
        }
        return k;
    }

    /** Closes the connection. Idempotent. */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
