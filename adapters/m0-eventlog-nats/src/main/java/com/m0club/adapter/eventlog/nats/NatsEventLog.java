package com.m0club.adapter.eventlog.nats;

import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.HandlerRetry;
import com.m0club.eventlog.EventLogFullException;
import com.m0club.eventlog.EventLogStatus;
import com.m0club.eventlog.EventRecord;
import com.m0club.eventlog.RecordFormatException;
import com.m0club.eventlog.RecordHandler;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.JetStreamSubscription;
import io.nats.client.NUID;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.PublishOptions;
import io.nats.client.api.AccountStatistics;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log on NATS JetStream: one stream per topic, one subject per partition, one durable pull consumer per
 * (group, partition). The streams are made by {@link NatsStreams} ({@code m0 eventlog init}); this log checks that a
 * topic's stream exists with its number of partitions before it publishes to it or subscribes to it.
 *
 * <h2>Publishing</h2>
 * A key goes to subject {@code <topic>.p<N>}, {@code N = floorMod(key.hashCode(), partitions)} ({@link String#hashCode}
 * is specified, so every JVM agrees, and it is the in-process log's mapping). The payload is the topic codec's bytes;
 * headers {@code m0-schema-version}, {@code m0-published-at-ms} (the log's clock) and {@code m0-key} travel beside it
 * with the publisher's own. {@code publish} returns once JetStream acknowledged the record (stored); a record not
 * acknowledged within the publish timeout, refused by the stream's limits, or published while the server is away fails
 * with {@link EventLogFullException}, counted in {@code m0_eventlog_dropped_total{topic}} and
 * {@code m0_eventlog_publish_errors_total{topic,reason}} ({@code timeout}, {@code unreachable}, {@code rejected},
 * {@code missing_topic}; {@code interrupted}: the publishing thread was interrupted, {@code IllegalStateException}).
 * Nothing is buffered for later: a failed publish was not stored by this call (a timed-out one may still have been,
 * at-least-once).
 *
 * <h2>Consuming</h2>
 * Each (topic, group, partition) is a durable pull consumer {@code <group>-p<N>} filtered to the partition's subject,
 * with explicit acks and {@code max_ack_pending = 1}: whatever the number of instances of a group, the server hands out
 * the partition's next record only once the previous one was acknowledged, so records of one key are handled in order
 * by one handler at a time (single writer per market). An instance runs one virtual thread per partition; instances of
 * a group share the partitions record by record. A record is acknowledged only after the handler returned; a handler
 * that throws is retried with exponential backoff (counted in {@code m0_eventlog_handler_errors_total}), after
 * {@code maxAttempts} it is logged, counted in {@code m0_eventlog_skipped_total} and terminated (never redelivered).
 * A record that does not decode (no or bad headers, another schema version, a malformed payload) is logged, counted
 * in {@code m0_eventlog_malformed_total{topic,group}} and terminated. While a handler runs the log tells the server it
 * is in progress, so a slow handler is not redelivered; a process that dies mid-record has its record redelivered
 * after {@code ackWait}. Closing a subscription hands the unhandled record back at once (nak).
 *
 * <p>{@link SubscribeFrom#EARLIEST} and {@link SubscribeFrom#LATEST} apply when the durable consumer is created (the
 * group has no position yet); afterwards the durable's position is kept across restarts. {@link SubscribeFrom#replay}
 * creates, per instance and partition, an ephemeral consumer starting at the partition's first record whose
 * {@code m0-published-at-ms} is inside the window by the log's clock (found by binary search, see
 * {@link ReplayStart}); it keeps no group position, and two instances of a replay group each handle every record.
 *
 * <h2>Failures</h2>
 * The connection reconnects forever. {@link #status()} is up while the connection is CONNECTED and a JetStream account
 * request answers (cached for a second). A consumer loop never dies: a failure (server away, consumer lost) is logged,
 * counted in {@code m0_eventlog_consumer_errors_total{topic,group,operation}} ({@code consumer}, {@code pull},
 * {@code ack}, {@code lag}), backed off, and the consumer re-opened. A topic whose stream is missing or has another
 * number of partitions counts in {@code m0_eventlog_missing_topic_total{topic}}.
 * {@code m0_eventlog_lag{topic,group}} is the group's {@code num_pending + num_ack_pending} over its partitions.
 *
 * <p>Metrics are registered in the registry given to the builder: one event log per registry.
 */
public final class NatsEventLog implements EventLog {
    private static final Logger LOG = LoggerFactory.getLogger(NatsEventLog.class);
    private static final int STREAM_NOT_FOUND = 10059;
    private static final int CONSUMER_NOT_FOUND = 10014;
    /** How long one pull waits on an idle partition before pulling again (close and reconnects cut it short). */
    private static final Duration POLL_WAIT = Duration.ofSeconds(5);
    private static final long STATUS_CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LAG_CACHE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final Duration ERROR_BACKOFF_MIN = Duration.ofMillis(100);
    private static final Duration ERROR_BACKOFF_MAX = Duration.ofSeconds(5);
    private static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final List<String> servers;
    private final String serversForLogs;
    private final int partitions;
    private final String prefix;
    private final InstantSource clock;
    private final Duration publishTimeout;
    private final Duration ackWait;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration closeTimeout;
    private final Duration reconnectWait;
    private final Duration groupRetention;

    private final Connection connection;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final ScheduledExecutorService keepAlive;
    private final Map<String, TopicState> topics = new ConcurrentHashMap<>();
    private final Map<String, NatsSubscription> subscriptions = new ConcurrentHashMap<>();
    private final Counter published;
    private final Counter dropped;
    private final Counter handlerErrors;
    private final Counter skipped;
    private final Counter publishErrors;
    private final Counter missingTopic;
    private final Counter malformed;
    private final Counter consumerErrors;
    private volatile CachedStatus cachedStatus;
    private volatile boolean connectedOnce;
    private volatile boolean closed;

    private NatsEventLog(Builder b, PrometheusRegistry registry, InstantSource clock) {
        Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (b.servers == null) {
            throw new IllegalArgumentException("servers: required (nats://host:port, comma-separated)");
        }
        this.servers = b.servers;
        this.serversForLogs = NatsConnections.redact(String.join(",", servers));
        this.partitions = b.partitions;
        this.prefix = b.prefix;
        this.publishTimeout = b.publishTimeout;
        this.ackWait = b.ackWait;
        this.maxAttempts = b.retry.maxAttempts();
        this.initialBackoff = b.retry.initialBackoff();
        this.maxBackoff = b.retry.maxBackoff();
        this.closeTimeout = b.closeTimeout;
        this.reconnectWait = b.reconnectWait;
        this.groupRetention = b.groupRetention;
        this.connection = NatsConnections.open(servers, "m0-eventlog", b.connectTimeout, reconnectWait,
                new Listener());
        this.connectedOnce = true;
        try {
            this.js = connection.jetStream(JetStreamOptions.builder().requestTimeout(publishTimeout).build());
            this.jsm = connection.jetStreamManagement(JetStreamOptions.builder()
                    .requestTimeout(b.requestTimeout).build());
        } catch (IOException e) {
            closeConnection();
            throw new IllegalStateException("NATS " + serversForLogs + ": JetStream is not available (start"
                    + " nats-server with -js): " + e.getMessage());
        }
        try {
            this.published = counter(registry, "m0_eventlog_published_total", "Records stored in the event log, by"
                    + " topic", "topic");
            this.dropped = counter(registry, "m0_eventlog_dropped_total", "Publishes refused (not acknowledged by"
                    + " JetStream in time, stream limits, server away), by topic", "topic");
            this.handlerErrors = counter(registry, "m0_eventlog_handler_errors_total", "Record handler failures (each"
                    + " attempt), by topic and consumer group", "topic", "group");
            this.skipped = counter(registry, "m0_eventlog_skipped_total", "Records skipped after the handler failed"
                    + " every attempt, by topic and consumer group", "topic", "group");
            this.publishErrors = counter(registry, "m0_eventlog_publish_errors_total", "Failed publishes by topic and"
                    + " reason: timeout, unreachable, rejected, missing_topic, interrupted", "topic", "reason");
            this.missingTopic = counter(registry, "m0_eventlog_missing_topic_total", "Uses of a topic whose JetStream"
                    + " stream does not exist (or has another number of partitions): run m0 eventlog init", "topic");
            this.malformed = counter(registry, "m0_eventlog_malformed_total", "Records skipped because they do not"
                    + " decode (m0-* headers, schema version, payload), by topic and group", "topic", "group");
            this.consumerErrors = counter(registry, "m0_eventlog_consumer_errors_total", "Consumer failures by topic,"
                    + " group and operation (consumer: create or bind, pull, ack, lag), each retried with backoff",
                    "topic", "group", "operation");
            GaugeWithCallback.builder().name("m0_eventlog_lag")
                    .help("Records published and not yet handled, by topic and consumer group")
                    .labelNames("topic", "group")
                    .callback(cb -> {
                        for (NatsSubscription s : subscriptions.values()) {
                            cb.call(s.lag(), s.topic(), s.group());
                        }
                    })
                    .register(registry);
        } catch (RuntimeException e) {
            closeConnection(); // another log registered its metrics in this registry
            throw e;
        }
        this.keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "m0-eventlog-nats-keepalive");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    private static Counter counter(PrometheusRegistry registry, String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    /** The partition a key maps to: {@code floorMod(key.hashCode(), partitions)}. */
    public int partitionFor(String key) {
        return Math.floorMod(key.hashCode(), partitions);
    }

    public int partitions() {
        return partitions;
    }

    /** The JetStream stream that holds {@code topic}. */
    public String streamName(String topic) {
        return NatsNames.stream(prefix, topic);
    }

    @Override
    public <T> void publish(Topic<T> topic, String key, T record, Map<String, String> headers) {
        Objects.requireNonNull(topic, "topic");
        Map<String, String> meta = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key: is required (topics are keyed by market_id or round)");
        }
        if (!topic.type().isInstance(record)) {
            throw new IllegalArgumentException("record for " + topic + " must be a " + topic.type().getName()
                    + ", got " + (record == null ? "null" : record.getClass().getName()));
        }
        NatsNames.checkHeaders(meta);
        requireOpen();
        int p = partitionFor(key);
        TopicState state;
        try {
            state = verified(topic);
        } catch (Unreachable u) {
            throw drop(topic, p, key, "unreachable", u.getMessage());
        } catch (IllegalStateException e) {
            dropped.labelValues(topic.name()).inc();
            publishErrors.labelValues(topic.name(), "missing_topic").inc();
            throw e;
        }
        byte[] payload = topic.encode(record);
        Headers h = new Headers();
        meta.forEach((name, value) -> h.put(name, value));
        h.put(NatsNames.SCHEMA_VERSION, Integer.toString(topic.version()));
        h.put(NatsNames.PUBLISHED_AT_MS, Long.toString(clock.millis()));
        h.put(NatsNames.KEY, NatsNames.encodeKey(key));
        Connection.Status status = connection.getStatus();
        if (status != Connection.Status.CONNECTED) {
            throw drop(topic, p, key, "unreachable", "NATS " + serversForLogs + " is not reachable (connection "
                    + status + ")");
        }
        try {
            js.publish(NatsNames.subject(topic.name(), p), h, payload,
                    PublishOptions.builder().expectedStream(state.stream).build());
        } catch (IOException e) {
            if (e.getCause() instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                Thread.currentThread().interrupt();
                dropped.labelValues(topic.name()).inc();
                publishErrors.labelValues(topic.name(), "interrupted").inc();
                throw new IllegalStateException("interrupted while publishing to " + topic.name()
                        + " (the record may or may not have been stored)", e);
            }
            throw drop(topic, p, key, "timeout", "JetStream did not acknowledge within " + publishTimeout.toMillis()
                    + " ms (" + NatsConnections.redact(e.getMessage()) + ")");
        } catch (JetStreamApiException e) {
            throw drop(topic, p, key, "rejected", "JetStream refused it: " + e.getMessage());
        } catch (RuntimeException e) {
            requireOpen();
            throw drop(topic, p, key, "unreachable", "NATS " + serversForLogs + " is not reachable ("
                    + NatsConnections.redact(e.getMessage()) + ")");
        }
        published.labelValues(topic.name()).inc();
    }

    private EventLogFullException drop(Topic<?> topic, int partition, String key, String reason, String why) {
        dropped.labelValues(topic.name()).inc();
        publishErrors.labelValues(topic.name(), reason).inc();
        return new EventLogFullException(topic.name(), partition, "event log " + topic.name() + "/" + partition
                + ": record for key " + key + " not stored: " + why);
    }

    @Override
    public <T> Subscription subscribe(Topic<T> topic, String group, SubscribeFrom from, RecordHandler<T> handler) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(handler, "handler");
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("group: is required (the consumer group name, e.g. the role)");
        }
        if (NatsNames.encodeGroup(group).length() > 200) {
            throw new IllegalArgumentException("group: too long for a JetStream consumer name, got " + group.length()
                    + " characters");
        }
        requireOpen();
        TopicState state;
        try {
            state = verified(topic);
        } catch (Unreachable u) {
            throw new IllegalStateException("cannot subscribe group " + group + " to " + topic.name() + ": "
                    + u.getMessage());
        }
        // publish() checked every record against the topic's type and verified() that this is the topic's only
        // definition; decoding goes through that same Topic, so the handler gets records of its type.
        @SuppressWarnings("unchecked")
        RecordHandler<Object> erased = (RecordHandler<Object>) (RecordHandler<?>) handler;
        NatsSubscription sub = new NatsSubscription(state, group, from, erased);
        if (subscriptions.putIfAbsent(sub.id, sub) != null) {
            throw new IllegalStateException("group " + group + " is already subscribed to " + topic.name());
        }
        try {
            sub.start();
        } catch (RuntimeException e) {
            sub.close();
            throw e;
        }
        return sub;
    }

    /**
     * Whether the log can reach JetStream: the connection is CONNECTED and the account info request answers (the
     * answer is kept for a second, so a readiness probe does not load the server).
     */
    @Override
    public EventLogStatus status() {
        if (closed) {
            return EventLogStatus.down("event log closed");
        }
        Connection.Status s = connection.getStatus();
        if (s != Connection.Status.CONNECTED) {
            return EventLogStatus.down("NATS " + serversForLogs + ": connection " + s);
        }
        CachedStatus c = cachedStatus;
        long now = System.nanoTime();
        if (c != null && now - c.atNanos < STATUS_CACHE_NANOS) {
            return c.status;
        }
        EventLogStatus status;
        try {
            AccountStatistics account = jsm.getAccountStatistics();
            status = EventLogStatus.up("NATS " + NatsConnections.redact(connection.getConnectedUrl())
                    + " connected, JetStream answers (" + account.getStreams() + " streams)");
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            status = EventLogStatus.down("NATS " + serversForLogs + " connected, but JetStream did not answer: "
                    + NatsConnections.redact(e.getMessage()));
        }
        cachedStatus = new CachedStatus(System.nanoTime(), status);
        return status;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<NatsSubscription> open = List.copyOf(subscriptions.values());
        for (NatsSubscription s : open) {
            s.signalStop();
        }
        for (NatsSubscription s : open) {
            s.close();
        }
        keepAlive.shutdownNow();
        try {
            connection.flush(Duration.ofSeconds(1)); // the last acks and naks
        } catch (Exception e) {
            LOG.debug("event log: flush before close failed: {}", e.toString());
        }
        closeConnection();
    }

    private void closeConnection() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the event log is closed");
        }
    }

    /**
     * The topic's state, its stream checked once: it exists and holds exactly this log's partitions.
     *
     * @throws Unreachable when NATS cannot be asked now
     * @throws IllegalStateException when the stream is missing or laid out for another number of partitions
     */
    private TopicState verified(Topic<?> topic) {
        TopicState state = topics.computeIfAbsent(topic.name(), n -> new TopicState(topic, streamName(n)));
        if (!state.topic.equals(topic)) {
            throw new IllegalArgumentException("topic " + topic.name() + " is already in use as " + state.topic
                    + "; cannot also use it as " + topic);
        }
        if (state.verified) {
            return state;
        }
        synchronized (state) {
            if (state.verified) {
                return state;
            }
            Connection.Status s = connection.getStatus();
            if (s != Connection.Status.CONNECTED) {
                throw new Unreachable("NATS " + serversForLogs + " is not reachable (connection " + s + ")");
            }
            StreamInfo info;
            try {
                info = jsm.getStreamInfo(state.stream);
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
                    missingTopic.labelValues(topic.name()).inc();
                    throw new IllegalStateException("topic " + topic.name() + ": JetStream stream " + state.stream
                            + " does not exist; create the streams first (m0 eventlog init, NatsStreams) with "
                            + partitions + " partitions and prefix " + prefix);
                }
                throw new IllegalStateException("topic " + topic.name() + ": JetStream refused the stream info of "
                        + state.stream + ": " + e.getMessage());
            } catch (IOException e) {
                throw new Unreachable("NATS " + serversForLogs + " did not answer (" + e.getMessage() + ")");
            }
            int have = NatsStreams.partitionsOf(state.stream, topic.name(), info.getConfiguration().getSubjects());
            if (have != partitions) {
                missingTopic.labelValues(topic.name()).inc();
                throw new IllegalStateException("topic " + topic.name() + ": stream " + state.stream + " has " + have
                        + " partitions but this event log is configured with " + partitions + " (keys would go to"
                        + " the wrong partitions): use the same number as m0 eventlog init");
            }
            state.verified = true;
            return state;
        }
    }

    /** Wakes every consumer waiting on a pull, so that it pulls again on the new connection at once. */
    private void wakeConsumers() {
        for (NatsSubscription s : subscriptions.values()) {
            for (PartitionConsumer c : s.parts) {
                if (c != null) {
                    c.wake();
                }
            }
        }
    }

    private final class Listener implements ConnectionListener {
        /** Whether the loss of the connection was logged (once per outage, not per reconnect attempt). */
        private final java.util.concurrent.atomic.AtomicBoolean away = new java.util.concurrent.atomic.AtomicBoolean();

        /** The client's older callback, which it still requires; the events come through the one below. */
        @Override
        @Deprecated
        public void connectionEvent(Connection conn, Events type) {
            onEvent(conn, type);
        }

        @Override
        public void connectionEvent(Connection conn, Events type, Long time, String uriDetails) {
            onEvent(conn, type);
        }

        private void onEvent(Connection conn, Events type) {
            cachedStatus = null;
            switch (type) {
                case DISCONNECTED -> {
                    if (connectedOnce && !closed && away.compareAndSet(false, true)) {
                        LOG.warn("event log: NATS connection lost ({}); reconnecting", serversForLogs);
                    }
                }
                case RECONNECTED -> {
                    away.set(false);
                    LOG.info("event log: NATS reconnected ({})", NatsConnections.redact(conn.getConnectedUrl()));
                    wakeConsumers();
                }
                case RESUBSCRIBED -> wakeConsumers();
                default -> LOG.debug("event log: NATS {}", type);
            }
        }
    }

    private record CachedStatus(long atNanos, EventLogStatus status) {}

    /** NATS cannot be asked now (not connected, or no answer in time). */
    private static final class Unreachable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    /** Thrown inside a consumer loop when its subscription is closing. */
    private static final class Stopped extends Exception {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped", null, false, false);
        }
    }

    /** A topic, its stream, and whether the stream was checked. */
    private static final class TopicState {
        final Topic<?> topic;
        final String stream;
        volatile boolean verified;

        TopicState(Topic<?> topic, String stream) {
            this.topic = topic;
            this.stream = stream;
        }
    }

    /** One group's subscription to one topic: a consumer per partition. */
    private final class NatsSubscription implements Subscription {
        final String id;
        final TopicState state;
        final String group;
        final SubscribeFrom from;
        final RecordHandler<Object> handler;
        final PartitionConsumer[] parts = new PartitionConsumer[partitions];
        private boolean closing;

        NatsSubscription(TopicState state, String group, SubscribeFrom from, RecordHandler<Object> handler) {
            this.id = state.topic.name() + "\u0000" + group;
            this.state = state;
            this.group = group;
            this.from = from;
            this.handler = handler;
        }

        /** Opens every partition's consumer (so LATEST means "from now"), then starts their threads. */
        void start() {
            long cutoffMs = from instanceof SubscribeFrom.Replay r ? clock.millis() - r.window().toMillis() : 0;
            for (int p = 0; p < parts.length; p++) {
                PartitionConsumer c = new PartitionConsumer(this, p, cutoffMs);
                parts[p] = c;
                try {
                    c.open();
                } catch (IOException e) {
                    throw new IllegalStateException("cannot subscribe group " + group + " to " + topic() + ": NATS "
                            + serversForLogs + " did not answer (" + e.getMessage() + ")");
                } catch (JetStreamApiException e) {
                    throw new IllegalStateException("cannot subscribe group " + group + " to " + topic() + ": JetStream"
                            + " refused consumer " + c.consumerName + " (" + e.getMessage() + ")");
                }
            }
            for (PartitionConsumer c : parts) {
                c.start();
            }
        }

        @Override
        public String topic() {
            return state.topic.name();
        }

        @Override
        public String group() {
            return group;
        }

        @Override
        public long lag() {
            long lag = 0;
            for (PartitionConsumer c : parts) {
                if (c != null) {
                    lag += c.lag();
                }
            }
            return lag;
        }

        void signalStop() {
            for (PartitionConsumer c : parts) {
                if (c != null) {
                    c.stop();
                }
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closing) {
                    return;
                }
                closing = true;
            }
            signalStop();
            long deadline = System.nanoTime() + closeTimeout.toNanos();
            for (PartitionConsumer c : parts) {
                if (c == null || c.thread == null || c.thread == Thread.currentThread()) {
                    continue;
                }
                try {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !c.thread.join(Duration.ofNanos(left))) {
                        LOG.warn("event log {} group {}: handler still running after {} ms, interrupting {}", topic(),
                                group, closeTimeout.toMillis(), c.thread.getName());
                        c.thread.interrupt();
                        c.thread.join(Duration.ofSeconds(1));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (PartitionConsumer c : parts) {
                if (c != null) {
                    c.release();
                }
            }
            subscriptions.remove(id, this);
        }

        @Override
        public String toString() {
            return "Subscription[" + topic() + ", group " + group + ", " + from + "]";
        }
    }

    private enum Delivery {
        HANDLED, EXHAUSTED, STOPPED
    }

    /**
     * One (subscription, partition): a virtual thread that pulls one record at a time from the partition's consumer,
     * hands it to the handler and acknowledges it. {@link #stop()} and reconnects wake a waiting pull.
     */
    private final class PartitionConsumer implements Runnable {
        final NatsSubscription sub;
        final int partition;
        final String subject;
        final long cutoffMs;
        final boolean replay;
        final ReentrantLock lock = new ReentrantLock();
        final Condition signal = lock.newCondition(); // stop and wake
        volatile String consumerName;
        volatile Thread thread;
        /** A pull subscription bound to the consumer; null until opened and after a failure. */
        private volatile JetStreamSubscription pullSub;
        private long replayNext = -1;
        private boolean waiting;
        private boolean stopping;
        private volatile long wakeups;
        private volatile long lagValue;
        private volatile long lagAtNanos;
        private long lastErrorLogNanos;

        PartitionConsumer(NatsSubscription sub, int partition, long cutoffMs) {
            this.sub = sub;
            this.partition = partition;
            this.subject = NatsNames.subject(sub.topic(), partition);
            this.cutoffMs = cutoffMs;
            this.replay = sub.from instanceof SubscribeFrom.Replay;
        }

        void start() {
            thread = Thread.ofVirtual().name("m0-eventlog-" + sub.topic() + "-" + sub.group + "-p" + partition)
                    .start(this);
        }

        /** Creates (or binds) this partition's consumer and subscribes to it. */
        void open() throws IOException, JetStreamApiException {
            String stream = sub.state.stream;
            if (replay) {
                if (replayNext < 0) {
                    replayNext = ReplayStart.find(jsm, stream, subject, cutoffMs);
                }
                deleteReplayConsumer();
                String name = NatsNames.durable(sub.group, partition) + "-r" + NUID.nextGlobal();
                consumerName = name;
                jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder()
                        .name(name)
                        .description("M0Club replay: group " + sub.group + ", " + subject)
                        .filterSubject(subject)
                        .ackPolicy(AckPolicy.Explicit)
                        .ackWait(ackWait)
                        .maxAckPending(1)
                        .deliverPolicy(DeliverPolicy.ByStartSequence)
                        .startSequence(replayNext)
                        .inactiveThreshold(ackWait.multipliedBy(10).compareTo(Duration.ofMinutes(5)) > 0
                                ? ackWait.multipliedBy(10) : Duration.ofMinutes(5))
                        .build());
            } else {
                consumerName = NatsNames.durable(sub.group, partition);
                ensureDurable(stream);
            }
            unsubscribe();
            pullSub = js.subscribe(null, PullSubscribeOptions.fastBind(stream, consumerName));
        }

        private void ensureDurable(String stream) throws IOException, JetStreamApiException {
            ConsumerInfo info = consumerInfo(stream, consumerName);
            if (info == null) {
                ConsumerConfiguration config = ConsumerConfiguration.builder()
                        .durable(consumerName)
                        .description("M0Club group " + sub.group + ", " + subject)
                        .filterSubject(subject)
                        .ackPolicy(AckPolicy.Explicit)
                        .ackWait(ackWait)
                        .maxAckPending(1)
                        .deliverPolicy(sub.from instanceof SubscribeFrom.Latest ? DeliverPolicy.New : DeliverPolicy.All)
                        .inactiveThreshold(groupRetention)
                        .build();
                try {
                    jsm.addOrUpdateConsumer(stream, config);
                    return;
                } catch (JetStreamApiException e) {
                    info = consumerInfo(stream, consumerName); // another instance of the group created it first
                    if (info == null) {
                        throw e;
                    }
                }
            }
            ConsumerConfiguration have = info.getConsumerConfiguration();
            if (!subject.equals(have.getFilterSubject()) || have.getAckPolicy() != AckPolicy.Explicit
                    || have.getDeliverSubject() != null) {
                throw new IllegalStateException("consumer " + consumerName + " of stream " + stream + " is not this"
                        + " group's partition consumer (filter " + have.getFilterSubject() + ", ack "
                        + have.getAckPolicy() + ", deliver subject " + have.getDeliverSubject() + "; want a pull"
                        + " consumer on " + subject + " with explicit acks): delete it or rename the group");
            }
            if (!ackWait.equals(have.getAckWait()) || have.getMaxAckPending() != 1
                    || !groupRetention.equals(have.getInactiveThreshold())) {
                jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder(have).ackWait(ackWait).maxAckPending(1)
                        .inactiveThreshold(groupRetention).build());
            }
        }

        private ConsumerInfo consumerInfo(String stream, String name) throws IOException, JetStreamApiException {
            try {
                return jsm.getConsumerInfo(stream, name);
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) {
                    return null;
                }
                throw e;
            }
        }

        @Override
        public void run() {
            Duration backoff = ERROR_BACKOFF_MIN;
            while (!isStopping()) {
                long wakeupsBefore = wakeups;
                String operation = pullSub == null ? "consumer" : "pull";
                try {
                    if (pullSub == null) {
                        open();
                    }
                    long started = System.nanoTime();
                    Message m = awaitMessage();
                    if (m == null) {
                        if (!isStopping() && wakeups == wakeupsBefore
                                && System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(100)) {
                            // The pull ended at once (not connected, or the client refused it): do not spin.
                            pause(connection.getStatus() == Connection.Status.CONNECTED
                                    ? ERROR_BACKOFF_MIN.toMillis() : reconnectWait.toMillis());
                        }
                        continue;
                    }
                    if (isStopping()) {
                        settle(m, false);
                        break;
                    }
                    handle(m);
                    backoff = ERROR_BACKOFF_MIN;
                } catch (Stopped s) {
                    break;
                } catch (Exception | Error e) {
                    if (e instanceof VirtualMachineError vme) {
                        throw vme;
                    }
                    if (isStopping()) {
                        break;
                    }
                    if (wakeups != wakeupsBefore) {
                        continue; // woken by a reconnect while the client was setting up its pull
                    }
                    consumerErrors.labelValues(sub.topic(), sub.group, operation).inc();
                    logError(operation + " on consumer " + consumerName + " failed, retrying in " + backoff.toMillis()
                            + " ms", e);
                    unsubscribe();
                    pause(backoff.toMillis());
                    backoff = backoff.multipliedBy(2).compareTo(ERROR_BACKOFF_MAX) > 0 ? ERROR_BACKOFF_MAX
                            : backoff.multipliedBy(2);
                }
            }
        }

        private void logError(String what, Throwable e) {
            long now = System.nanoTime();
            String text = "event log {} group {} partition {}: {}: {}";
            String cause = e.getClass().getSimpleName() + ": " + NatsConnections.redact(e.getMessage());
            if (lastErrorLogNanos == 0 || now - lastErrorLogNanos > ERROR_LOG_INTERVAL_NANOS) {
                lastErrorLogNanos = now;
                LOG.warn(text, sub.topic(), sub.group, partition, what, cause);
            } else {
                LOG.debug(text, sub.topic(), sub.group, partition, what, cause);
            }
        }

        /** The next record, or null when the pull expired or was woken. */
        private Message awaitMessage() throws Exception {
            lock.lock();
            try {
                if (stopping) {
                    return null;
                }
                waiting = true;
            } finally {
                lock.unlock();
            }
            try {
                // One record per pull: with max_ack_pending = 1 the server has no second one to give before the ack.
                List<Message> got = pullSub.fetch(1, POLL_WAIT);
                return got.isEmpty() ? null : got.getFirst();
            } finally {
                lock.lock();
                try {
                    waiting = false;
                    Thread.interrupted(); // a wake that came as the pull returned
                } finally {
                    lock.unlock();
                }
            }
        }

        private void handle(Message m) throws Stopped {
            long seq = m.metaData().streamSequence();
            EventRecord<Object> record;
            try {
                record = decode(m, seq);
            } catch (IllegalArgumentException e) { // RecordFormatException, a key that does not decode
                malformed.labelValues(sub.topic(), sub.group).inc();
                LOG.error("event log {} group {}: record at {} seq {} does not decode, skipping it: {}", sub.topic(),
                        sub.group, subject, seq, e.getMessage());
                settle(m, true);
                advance(seq);
                return;
            }
            long every = Math.max(100, ackWait.toMillis() / 3);
            ScheduledFuture<?> inProgress = keepAlive.scheduleAtFixedRate(() -> {
                try {
                    m.inProgress();
                } catch (RuntimeException e) {
                    LOG.debug("event log {}: in-progress for seq {} not sent: {}", subject, seq, e.toString());
                }
            }, every, every, TimeUnit.MILLISECONDS);
            Delivery outcome;
            try {
                outcome = deliver(record);
            } finally {
                inProgress.cancel(false);
            }
            switch (outcome) {
                case HANDLED -> ack(m, seq);
                case EXHAUSTED -> settle(m, true);
                case STOPPED -> {
                    settle(m, false);
                    throw new Stopped();
                }
            }
            advance(seq);
        }

        private void advance(long seq) {
            if (replay) {
                replayNext = seq + 1;
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private EventRecord<Object> decode(Message m, long seq) {
            Topic topic = sub.state.topic;
            Headers h = m.getHeaders();
            String version = h == null ? null : h.getFirst(NatsNames.SCHEMA_VERSION);
            String key = h == null ? null : h.getFirst(NatsNames.KEY);
            String at = h == null ? null : h.getFirst(NatsNames.PUBLISHED_AT_MS);
            int v;
            long publishedAt;
            try {
                v = Integer.parseInt(Objects.requireNonNull(version, "missing"));
            } catch (RuntimeException e) {
                throw new RecordFormatException(topic.name(), NatsNames.SCHEMA_VERSION, "header must be a decimal"
                        + " version, got " + version);
            }
            try {
                publishedAt = Long.parseLong(Objects.requireNonNull(at, "missing"));
            } catch (RuntimeException e) {
                throw new RecordFormatException(topic.name(), NatsNames.PUBLISHED_AT_MS, "header must be decimal"
                        + " epoch milliseconds, got " + at);
            }
            if (key == null || key.isEmpty()) {
                throw new RecordFormatException(topic.name(), NatsNames.KEY, "header is required");
            }
            String decodedKey = NatsNames.decodeKey(key);
            Object value = topic.decode(v, m.getData() == null ? new byte[0] : m.getData());
            Map<String, String> user = new HashMap<>();
            for (String name : h.keySet()) {
                if (!NatsNames.isReserved(name)) {
                    String first = h.getFirst(name);
                    user.put(name, first == null ? "" : first);
                }
            }
            return new EventRecord<Object>(topic, partition, seq, decodedKey, value, publishedAt, user);
        }

        private Delivery deliver(EventRecord<Object> record) {
            long backoff = initialBackoff.toMillis();
            for (int attempt = 1; ; attempt++) {
                try {
                    sub.handler.handle(record);
                    return Delivery.HANDLED;
                } catch (InterruptedException ie) {
                    return Delivery.STOPPED;
                } catch (Exception | Error ex) {
                    if (ex instanceof VirtualMachineError vme) {
                        throw vme;
                    }
                    if (isStopping() && Thread.currentThread().isInterrupted()) {
                        return Delivery.STOPPED; // interrupted by close() after the close timeout
                    }
                    handlerErrors.labelValues(sub.topic(), sub.group).inc();
                    if (attempt >= maxAttempts) {
                        skipped.labelValues(sub.topic(), sub.group).inc();
                        LOG.error("event log {} group {}: handler failed {} times on {} seq {} (key {}); skipping the"
                                + " record", sub.topic(), sub.group, attempt, subject, record.offset(), record.key(),
                                ex);
                        return Delivery.EXHAUSTED;
                    }
                    LOG.warn("event log {} group {}: handler failed on {} seq {} (key {}), attempt {} of {}, retrying"
                            + " in {} ms: {}", sub.topic(), sub.group, subject, record.offset(), record.key(), attempt,
                            maxAttempts, backoff, ex.toString());
                    if (awaitStop(backoff)) {
                        return Delivery.STOPPED;
                    }
                    backoff = Math.min(backoff * 2, maxBackoff.toMillis());
                }
            }
        }

        /**
         * Acknowledges a handled record; while the connection is away, tries again until it is back or the ack wait
         * has passed (then the server redelivers it: at-least-once).
         */
        private void ack(Message m, long seq) {
            long deadline = System.nanoTime() + ackWait.toNanos();
            while (true) {
                try {
                    m.ack();
                    return;
                } catch (RuntimeException e) {
                    consumerErrors.labelValues(sub.topic(), sub.group, "ack").inc();
                    if (System.nanoTime() > deadline || isStopping()) {
                        logError("ack of seq " + seq + " not sent; the server will redeliver the record", e);
                        return;
                    }
                    awaitStop(reconnectWait.toMillis());
                }
            }
        }

        /** Terminates (never redeliver) or naks (redeliver at once) a record, best-effort. */
        private void settle(Message m, boolean terminate) {
            try {
                if (terminate) {
                    m.term();
                } else {
                    m.nak();
                }
            } catch (RuntimeException e) {
                consumerErrors.labelValues(sub.topic(), sub.group, "ack").inc();
                logError((terminate ? "term" : "nak") + " not sent; the server will redeliver after the ack wait", e);
            }
        }

        long lag() {
            long now = System.nanoTime();
            String name = consumerName;
            if (name == null || now - lagAtNanos < LAG_CACHE_NANOS
                    || connection.getStatus() != Connection.Status.CONNECTED) {
                return lagValue;
            }
            lagAtNanos = now;
            try {
                ConsumerInfo info = jsm.getConsumerInfo(sub.state.stream, name);
                lagValue = info.getNumPending() + info.getNumAckPending();
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                consumerErrors.labelValues(sub.topic(), sub.group, "lag").inc();
                LOG.debug("event log {} group {}: lag of {} unknown: {}", sub.topic(), sub.group, name, e.toString());
            }
            return lagValue;
        }

        boolean isStopping() {
            lock.lock();
            try {
                return stopping;
            } finally {
                lock.unlock();
            }
        }

        /** Waits up to {@code millis} or until stopped; true when stopped. */
        boolean awaitStop(long millis) {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            lock.lock();
            try {
                while (!stopping && nanos > 0) {
                    nanos = signal.awaitNanos(nanos);
                }
                return stopping;
            } catch (InterruptedException e) {
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** Waits up to {@code millis}, less when stopped or woken (a reconnect: try again at once). */
        void pause(long millis) {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            lock.lock();
            try {
                long seen = wakeups;
                while (!stopping && wakeups == seen && nanos > 0) {
                    nanos = signal.awaitNanos(nanos);
                }
            } catch (InterruptedException e) {
                // stopped after the close timeout: the loop sees it
            } finally {
                lock.unlock();
            }
        }

        void stop() {
            lock.lock();
            try {
                stopping = true;
                signal.signalAll();
                if (waiting && thread != null) {
                    thread.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Interrupts a waiting pull (after a reconnect), so that the loop pulls again at once. */
        void wake() {
            lock.lock();
            try {
                wakeups++;
                signal.signalAll();
                if (waiting && thread != null) {
                    thread.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }

        /**
         * After the thread ended: hands back a record that arrived for a pull cut short, ends the subscription and
         * deletes this instance's replay consumer (a durable keeps the group's position).
         */
        void release() {
            JetStreamSubscription s = pullSub;
            if (s != null) {
                try {
                    for (Message m = s.nextMessage(Duration.ofMillis(1)); m != null;
                            m = s.nextMessage(Duration.ofMillis(1))) {
                        settle(m, false);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.debug("event log {}: buffered records not handed back: {}", subject, e.toString());
                }
            }
            unsubscribe();
            if (replay) {
                deleteReplayConsumer();
            }
        }

        /** Ends the pull subscription, if any (the server drops its waiting pulls: no interest). */
        private void unsubscribe() {
            JetStreamSubscription s = pullSub;
            pullSub = null;
            if (s != null) {
                try {
                    s.unsubscribe();
                } catch (RuntimeException e) {
                    LOG.debug("event log {}: unsubscribe failed: {}", subject, e.toString());
                }
            }
        }

        private void deleteReplayConsumer() {
            String name = consumerName;
            if (name == null || connection.getStatus() != Connection.Status.CONNECTED) {
                return; // an orphan expires after its inactive threshold
            }
            try {
                jsm.deleteConsumer(sub.state.stream, name);
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                LOG.debug("event log {}: replay consumer {} not deleted ({}); it expires by itself", subject, name,
                        e.toString());
            }
        }
    }

    /** Options of a NATS event log. */
    public static final class Builder {
        private List<String> servers;
        private int partitions = 16;
        private String prefix = "M0";
        private Duration publishTimeout = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(2);
        private Duration ackWait = Duration.ofSeconds(30);
        private HandlerRetry retry = HandlerRetry.DEFAULTS;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration reconnectWait = Duration.ofSeconds(1);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration groupRetention = Duration.ofDays(7);

        private Builder() {}

        /**
         * The NATS servers, {@code nats://host:port[,host:port]} ({@link NatsServers}; {@code tls://} too); required.
         * Credentials in a URL ({@code nats://user:pass@host:port}) are used and never logged.
         */
        public Builder servers(String urls) {
            this.servers = NatsServers.parse(urls).urls();
            return this;
        }

        /** Partitions per topic (default 16): must equal the streams' (m0 eventlog init). */
        public Builder partitions(int partitions) {
            if (partitions < 1 || partitions > 1024) {
                throw new IllegalArgumentException("partitions: must be 1..1024, got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** The stream name prefix (default {@code M0}): must equal the streams'. */
        public Builder streamPrefix(String prefix) {
            this.prefix = NatsNames.checkPrefix(prefix);
            return this;
        }

        /** How long a publish waits for JetStream's acknowledgement (default 2 s). */
        public Builder publishTimeout(Duration publishTimeout) {
            this.publishTimeout = positive("publishTimeout", publishTimeout);
            return this;
        }

        /** How long a JetStream request (stream and consumer info, status) may take (default 2 s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive("requestTimeout", requestTimeout);
            return this;
        }

        /**
         * How long the server waits for the acknowledgement of a delivered record before it redelivers it (default
         * 30 s, at least 500 ms): the delay before a record held by a process that died is handled elsewhere. A
         * running handler keeps its record, however long it takes.
         */
        public Builder ackWait(Duration ackWait) {
            if (ackWait.compareTo(Duration.ofMillis(500)) < 0) {
                throw new IllegalArgumentException("ackWait: must be at least 500 ms, got " + ackWait);
            }
            this.ackWait = ackWait;
            return this;
        }

        /** Handler attempts per record before it is skipped (default 5). */
        public Builder maxAttempts(int maxAttempts) {
            retry = retry.withMaxAttempts(maxAttempts);
            return this;
        }

        /** Backoff after the first failure, doubled after each next one up to {@code max} (default 50 ms, 2 s). */
        public Builder backoff(Duration initial, Duration max) {
            retry = retry.withBackoff(initial, max);
            return this;
        }

        /** How long close() waits for in-flight handlers before interrupting them (default 5 s). */
        public Builder closeTimeout(Duration closeTimeout) {
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout: must be >= 0, got " + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /** The pause between reconnect attempts while the server is away (default 1 s). */
        public Builder reconnectWait(Duration reconnectWait) {
            this.reconnectWait = positive("reconnectWait", reconnectWait);
            return this;
        }

        /**
         * How long a group's position outlives the group (default 7 days, as Kafka's {@code offsets.retention.minutes},
         * at least 1 minute): the server deletes a durable consumer that no instance pulled from for that long (its
         * {@code inactive_threshold}), so groups that are gone for good (per-process groups of replicas) do not pile
         * up; a group that comes back later starts again from its {@code SubscribeFrom}.
         */
        public Builder groupRetention(Duration groupRetention) {
            if (groupRetention.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("groupRetention: must be at least 1 minute, got " + groupRetention);
            }
            this.groupRetention = groupRetention;
            return this;
        }

        /** How long the first connection may take before build() fails (default 5 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive("connectTimeout", connectTimeout);
            return this;
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": must be > 0, got " + d);
            }
            return d;
        }

        /**
         * Connects and returns the log.
         *
         * @throws IllegalArgumentException when no servers were given
         * @throws IllegalStateException when no server accepts a connection within the connect timeout, or JetStream
         *     is not enabled
         */
        public NatsEventLog build(PrometheusRegistry registry, InstantSource clock) {
            return new NatsEventLog(this, registry, clock);
        }
    }
}
