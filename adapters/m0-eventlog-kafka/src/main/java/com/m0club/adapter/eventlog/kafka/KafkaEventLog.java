package com.m0club.adapter.eventlog.kafka;

import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.HandlerRetry;
import com.m0club.eventlog.Outgoing;
import com.m0club.eventlog.EventLogFullException;
import com.m0club.eventlog.EventLogStatus;
import com.m0club.eventlog.RecordHandler;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log on Apache Kafka: one idempotent producer ({@code acks=all}) for every publish, one
 * {@code KafkaConsumer} and one thread per {@link #subscribe subscription}, one admin client for topic checks,
 * lag and {@link #status()}.
 *
 * <h2>Records</h2>
 * A record goes to the Kafka topic of the {@link Topic}'s name with key = the record key (UTF-8), value =
 * {@link Topic#encode}, timestamp = the log's clock (so {@link SubscribeFrom#replay} and
 * {@link com.m0club.eventlog.EventRecord#publishedAtMs()} follow the clock given to {@link Builder#build}), and the
 * headers given to publish plus {@value #SCHEMA_VERSION_HEADER} = {@link Topic#version()} in decimal. Keys are hashed
 * to partitions by Kafka's default partitioner (murmur2), so one key's records stay in order on one partition.
 *
 * <h2>Topics</h2>
 * Never created here: {@code m0 eventlog init} ({@link KafkaTopics}) creates them. The first publish to or subscribe
 * on a topic checks that it exists; a missing topic fails with an {@link IllegalStateException} naming it and the
 * command, counted in {@code m0_eventlog_missing_topic_total{topic}}.
 *
 * <h2>Publish</h2>
 * Blocks until the broker acknowledged the record (all in-sync replicas) or the publish timeout passed; then it
 * throws {@link EventLogFullException} (the broker is unreachable or too slow: the record was not acknowledged, and may
 * or may not have been stored) or {@link IllegalStateException} (closed, missing topic, a record the broker refuses).
 * Each such failure counts once in {@code m0_eventlog_dropped_total{topic}} and once in
 * {@code m0_eventlog_publish_errors_total{topic,reason}} ({@code timeout}, {@code closed}, {@code missing_topic},
 * {@code rejected}, {@code interrupted}). A publish blocks at most about twice the timeout (waiting for metadata, then
 * for the acknowledgement).
 *
 * <h2>Subscribe</h2>
 * Consumer group = the group name, offsets committed only after the handler returned (never automatically), so a
 * process that dies while handling gets the record again after its restart (at-least-once). Partitions are shared by
 * the group's members with the cooperative-sticky assignor. See {@link KafkaSubscription} for delivery, retries,
 * malformed records and the consumer metrics.
 *
 * <p>The Kafka clients reconnect by themselves; publishes fail fast while the broker is away, consumers keep polling
 * (counting and logging errors, never dying) and resume where they were when it returns.
 *
 * <p>Metrics are registered in the registry given to {@link Builder#build}: one event log per registry (the metric
 * names are those of the in-process log, plus the Kafka-only failure counters).
 */
public final class KafkaEventLog implements EventLog {
    /** The record header carrying {@link Topic#version()} (decimal ASCII); reserved, not a publisher header. */
    public static final String SCHEMA_VERSION_HEADER = "m0-schema-version";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventLog.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Pattern CLIENT_ID = Pattern.compile("[a-zA-Z0-9._-]{1,100}");
    private static final Duration STATUS_CACHE = Duration.ofSeconds(1);

    private final KafkaBootstrap bootstrap;
    private final String clientId;
    private final InstantSource clock;
    final Duration publishTimeout;
    final int maxAttempts;
    final Duration initialBackoff;
    final Duration maxBackoff;
    final Duration closeTimeout;
    final Duration pollTimeout;
    final Duration requestTimeout;
    private final Duration statusTimeout;

    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final Map<String, Topic<?>> topics = new ConcurrentHashMap<>();
    private final Set<String> existing = ConcurrentHashMap.newKeySet();
    private final Map<String, KafkaSubscription<?>> subscriptions = new ConcurrentHashMap<>();

    final Counter published;
    final Counter dropped;
    final Counter publishErrors;
    final Counter missingTopic;
    final Counter handlerErrors;
    final Counter skipped;
    final Counter malformed;
    final Counter consumerErrors;

    private final Object statusLock = new Object();
    private EventLogStatus lastStatus;
    private long lastStatusAt;
    private volatile boolean closed;

    private KafkaEventLog(Builder b, PrometheusRegistry registry, InstantSource clock) {
        Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (b.bootstrap == null) {
            throw new IllegalArgumentException("bootstrap: is required (the brokers, kafka://host:port[,host:port])");
        }
        this.bootstrap = b.bootstrap;
        this.clientId = b.clientId + "-" + INSTANCES.incrementAndGet();
        this.publishTimeout = b.publishTimeout;
        this.maxAttempts = b.retry.maxAttempts();
        this.initialBackoff = b.retry.initialBackoff();
        this.maxBackoff = b.retry.maxBackoff();
        this.closeTimeout = b.closeTimeout;
        this.pollTimeout = Duration.ofMillis(200);
        this.requestTimeout = b.requestTimeout;
        this.statusTimeout = b.statusTimeout;

        this.published = Counter.builder().name("m0_eventlog_published_total")
                .help("Records stored in the event log (acknowledged by the brokers), by topic").labelNames("topic")
                .register(registry);
        this.dropped = Counter.builder().name("m0_eventlog_dropped_total")
                .help("Publishes that did not store their record (timeout, broker refusal, missing topic, closed),"
                        + " by topic")
                .labelNames("topic").register(registry);
        this.publishErrors = Counter.builder().name("m0_eventlog_publish_errors_total")
                .help("Failed publishes by topic and reason: timeout, closed, missing_topic, rejected, interrupted")
                .labelNames("topic", "reason").register(registry);
        this.missingTopic = Counter.builder().name("m0_eventlog_missing_topic_total")
                .help("Publishes and subscriptions refused because the topic does not exist (run m0 eventlog init)")
                .labelNames("topic").register(registry);
        this.handlerErrors = Counter.builder().name("m0_eventlog_handler_errors_total")
                .help("Record handler failures (each attempt), by topic and consumer group")
                .labelNames("topic", "group").register(registry);
        this.skipped = Counter.builder().name("m0_eventlog_skipped_total")
                .help("Records skipped after the handler failed every attempt, by topic and consumer group")
                .labelNames("topic", "group").register(registry);
        this.malformed = Counter.builder().name("m0_eventlog_malformed_total")
                .help("Records skipped because they do not decode (schema version, payload, key), by topic and group")
                .labelNames("topic", "group").register(registry);
        this.consumerErrors = Counter.builder().name("m0_eventlog_consumer_errors_total")
                .help("Consumer failures by topic, group and operation (poll, commit, seek, position, close);"
                        + " the consumer logs, backs off and continues")
                .labelNames("topic", "group", "operation").register(registry);
        GaugeWithCallback.builder().name("m0_eventlog_lag")
                .help("Records published and not yet handled, by topic and consumer group")
                .labelNames("topic", "group")
                .callback(cb -> {
                    for (KafkaSubscription<?> s : subscriptions.values()) {
                        cb.call(s.lag(), s.topic(), s.group());
                    }
                })
                .register(registry);

        KafkaProducer<byte[], byte[]> p = null;
        try {
            p = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
            this.admin = Admin.create(adminProperties());
        } catch (RuntimeException e) {
            if (p != null) {
                p.close(Duration.ZERO);
            }
            throw e;
        }
        this.producer = p;
        LOG.info("kafka event log: brokers {}, client id {}, publish timeout {} ms", bootstrap.bootstrapServers(),
                clientId, publishTimeout.toMillis());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The brokers this log connects to. */
    public KafkaBootstrap bootstrap() {
        return bootstrap;
    }

    private Properties common() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap.bootstrapServers());
        // Reconnect quickly after a broker restart (the default backs off up to 1 s as well, starting at 50 ms).
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "1000");
        return p;
    }

    private Properties producerProperties() {
        Properties p = common();
        int timeoutMs = Math.toIntExact(publishTimeout.toMillis());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // publish() waits for each acknowledgement, so lingering would only add latency; concurrent publishers still
        // share batches while a request is in flight.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeoutMs));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
        return p;
    }

    private Properties adminProperties() {
        Properties p = common();
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(requestTimeout.toMillis()));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(requestTimeout.toMillis()));
        return p;
    }

    /** The properties of the consumer of {@code group} on {@code topic}. */
    Properties consumerProperties(String topic, String group, SubscribeFrom from) {
        Properties p = common();
        p.put("client.id", clientId + "-" + topic + "-" + group);
        p.put("group.id", group);
        p.put("group.protocol", "classic");
        p.put("partition.assignment.strategy",
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        // Members learn of a rebalance on their next heartbeat: beat every second (not 3 s) so partitions move
        // quickly when a member joins or leaves; a member that dies without leaving loses them after 10 s.
        p.put("heartbeat.interval.ms", "1000");
        p.put("session.timeout.ms", "10000");
        p.put("enable.auto.commit", "false");
        p.put("allow.auto.create.topics", "false");
        p.put("auto.offset.reset", from instanceof SubscribeFrom.Latest ? "latest" : "earliest");
        p.put("request.timeout.ms", String.valueOf(Math.max(requestTimeout.toMillis(), 5_000)));
        p.put("default.api.timeout.ms", String.valueOf(requestTimeout.toMillis()));
        return p;
    }

    Admin admin() {
        return admin;
    }

    InstantSource clock() {
        return clock;
    }

    @Override
    public <T> void publish(Topic<T> topic, String key, T record, Map<String, String> headers) {
        awaitAck(topic, key, send(topic, key, record, headers));
    }

    /**
     * Sends every record before waiting for any acknowledgement, so the producer batches them (many records in
     * flight per partition, still in order: the producer is idempotent); then waits for each.
     */
    @Override
    public <T> void publishAll(Topic<T> topic, List<Outgoing<T>> records) {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(records.size());
        RuntimeException first = null;
        for (Outgoing<T> r : records) {
            try {
                acks.add(send(topic, r.key(), r.record(), r.headers()));
            } catch (RuntimeException e) {
                if (e instanceof IllegalArgumentException) {
                    throw e;
                }
                first = first == null ? e : first;
                acks.add(null);
            }
        }
        for (int i = 0; i < records.size(); i++) {
            if (acks.get(i) == null) {
                continue;
            }
            try {
                awaitAck(topic, records.get(i).key(), acks.get(i));
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Checks and sends one record; the future completes when the brokers acknowledged it. */
    private <T> CompletableFuture<RecordMetadata> send(Topic<T> topic, String key, T record,
            Map<String, String> headers) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(headers, "headers");
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key: is required (topics are keyed by market_id or round)");
        }
        if (!topic.type().isInstance(record)) {
            throw new IllegalArgumentException("record for " + topic + " must be a " + topic.type().getName()
                    + ", got " + (record == null ? "null" : record.getClass().getName()));
        }
        RecordHeaders kafkaHeaders = new RecordHeaders();
        for (var h : headers.entrySet()) {
            String name = Objects.requireNonNull(h.getKey(), "headers: a name is null");
            String value = Objects.requireNonNull(h.getValue(), "headers: the value of " + name + " is null");
            if (name.equalsIgnoreCase(SCHEMA_VERSION_HEADER)) {
                throw new IllegalArgumentException("headers: " + SCHEMA_VERSION_HEADER + " is reserved (the log"
                        + " writes the topic's schema version there)");
            }
            kafkaHeaders.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
        }
        kafkaHeaders.add(new RecordHeader(SCHEMA_VERSION_HEADER,
                Integer.toString(topic.version()).getBytes(StandardCharsets.US_ASCII)));
        register(topic);
        byte[] value = topic.encode(record);
        if (closed) {
            throw publishFailed(topic, "closed", new IllegalStateException("the event log is closed"));
        }
        requireTopicExists(topic, "publish");
        ProducerRecord<byte[], byte[]> kafkaRecord = new ProducerRecord<>(topic.name(), null, clock.millis(),
                key.getBytes(StandardCharsets.UTF_8), value, kafkaHeaders);
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(kafkaRecord, (metadata, e) -> {
                if (e == null) {
                    acked.complete(metadata);
                } else {
                    acked.completeExceptionally(new SendFailure(metadata, e));
                }
            });
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw publishFailed(topic, "timeout", full(topic, -1, key, "no metadata for the topic within "
                    + publishTimeout.toMillis() + " ms (brokers " + bootstrap.bootstrapServers() + " unreachable?)"));
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
            throw publishFailed(topic, "interrupted", new IllegalStateException("interrupted while publishing to "
                    + topic.name(), e));
        } catch (IllegalStateException e) {
            throw publishFailed(topic, "closed", new IllegalStateException("the event log is closed", e));
        } catch (KafkaException e) {
            throw publishFailed(topic, "rejected", new IllegalStateException("kafka refused the record for "
                    + topic.name() + " (key " + key + "): " + e.getMessage(), e));
        }
        return acked;
    }

    /** Waits for one acknowledgement, counting a failure by its reason. */
    private void awaitAck(Topic<?> topic, String key, CompletableFuture<RecordMetadata> acked) {
        try {
            // The producer completes every send within delivery.timeout.ms (= the publish timeout); the extra second
            // only guards against a client that does not.
            acked.get(publishTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw publishFailed(topic, "interrupted", new IllegalStateException("interrupted while publishing to "
                    + topic.name(), e));
        } catch (TimeoutException e) {
            throw publishFailed(topic, "timeout", full(topic, -1, key, "not acknowledged within "
                    + publishTimeout.toMillis() + " ms"));
        } catch (ExecutionException e) {
            SendFailure f = (SendFailure) e.getCause();
            int partition = f.metadata == null ? -1 : f.metadata.partition();
            Exception cause = f.cause;
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw publishFailed(topic, "timeout", full(topic, partition, key, "not acknowledged within "
                        + publishTimeout.toMillis() + " ms (brokers " + bootstrap.bootstrapServers()
                        + " unreachable or too slow): " + cause.getMessage()));
            }
            if (closed) {
                throw publishFailed(topic, "closed", new IllegalStateException("the event log is closed", cause));
            }
            throw publishFailed(topic, "rejected", new IllegalStateException("kafka refused the record for "
                    + topic.name() + "/" + partition + " (key " + key + "): " + cause, cause));
        }
        published.labelValues(topic.name()).inc();
    }

    private EventLogFullException full(Topic<?> topic, int partition, String key, String why) {
        return new EventLogFullException(topic.name(), partition, "event log topic " + topic.name()
                + (partition >= 0 ? "/" + partition : "") + ": record for key " + key + " dropped: " + why);
    }

    private RuntimeException publishFailed(Topic<?> topic, String reason, RuntimeException e) {
        dropped.labelValues(topic.name()).inc();
        publishErrors.labelValues(topic.name(), reason).inc();
        return e;
    }

    /** A failed send with the metadata the producer had (its partition, when one was chosen). */
    private static final class SendFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final transient RecordMetadata metadata;
        final Exception cause;

        SendFailure(RecordMetadata metadata, Exception cause) {
            super(cause.getMessage(), cause, false, false);
            this.metadata = metadata;
            this.cause = cause;
        }
    }

    @Override
    public <T> Subscription subscribe(Topic<T> topic, String group, SubscribeFrom from, RecordHandler<T> handler) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(handler, "handler");
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("group: is required (the consumer group name, e.g. the role)");
        }
        requireOpen();
        register(topic);
        requireTopicExists(topic, "subscribe");
        String id = topic.name() + "\u0000" + group;
        KafkaSubscription<T> s = new KafkaSubscription<>(this, topic, group, from, handler);
        if (subscriptions.putIfAbsent(id, s) != null) {
            s.discard();
            throw new IllegalStateException("group " + group + " is already subscribed to " + topic.name());
        }
        try {
            s.start();
        } catch (RuntimeException e) {
            subscriptions.remove(id, s);
            s.discard();
            throw e;
        }
        return s;
    }

    /** Called by a subscription once it closed. */
    void closed(KafkaSubscription<?> s) {
        subscriptions.remove(s.topic() + "\u0000" + s.group(), s);
    }

    /**
     * Reachable when the brokers answer a metadata request ({@code describeCluster}) within the status timeout (1 s
     * by default); the answer is cached for 1 s so probes do not load the brokers. The detail names the bootstrap
     * servers (the URL carries no credential).
     */
    @Override
    public EventLogStatus status() {
        if (closed) {
            return EventLogStatus.down("kafka event log (" + bootstrap.bootstrapServers() + ") is closed");
        }
        synchronized (statusLock) {
            long now = System.nanoTime();
            if (lastStatus != null && now - lastStatusAt < STATUS_CACHE.toNanos()) {
                return lastStatus;
            }
            EventLogStatus s;
            try {
                int nodes = admin.describeCluster(new DescribeClusterOptions()
                                .timeoutMs(Math.toIntExact(statusTimeout.toMillis())))
                        .nodes().get(statusTimeout.toMillis() + 500, TimeUnit.MILLISECONDS).size();
                s = EventLogStatus.up("kafka " + bootstrap.bootstrapServers() + ": " + nodes + " broker"
                        + (nodes == 1 ? "" : "s") + " reachable");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return EventLogStatus.down("kafka " + bootstrap.bootstrapServers() + ": status check interrupted");
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                s = EventLogStatus.down("kafka " + bootstrap.bootstrapServers() + " unreachable: " + describe(e));
            }
            lastStatus = s;
            lastStatusAt = System.nanoTime();
            return s;
        }
    }

    static String describe(Throwable e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private void register(Topic<?> topic) {
        Topic<?> known = topics.putIfAbsent(topic.name(), topic);
        if (known != null && !known.equals(topic)) {
            throw new IllegalArgumentException("topic " + topic.name() + " is already in use as " + known
                    + "; cannot also use it as " + topic);
        }
    }

    /**
     * Checks once per topic that it exists. A broker that says it does not fails the call; a broker that cannot be
     * reached leaves the answer open (the publish or the consumer then waits for the broker like any other).
     */
    private void requireTopicExists(Topic<?> topic, String operation) {
        if (existing.contains(topic.name())) {
            return;
        }
        try {
            admin.describeTopics(List.of(topic.name()), new DescribeTopicsOptions()
                            .timeoutMs(Math.toIntExact(requestTimeout.toMillis())))
                    .allTopicNames().get(requestTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            existing.add(topic.name());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                missingTopic.labelValues(topic.name()).inc();
                IllegalStateException missing = new IllegalStateException("topic " + topic.name()
                        + " does not exist on kafka " + bootstrap.bootstrapServers() + ": create the M0 topics with"
                        + " m0 eventlog init (topics are never created on first use)");
                if (operation.equals("publish")) {
                    throw publishFailed(topic, "missing_topic", missing);
                }
                throw missing;
            }
            LOG.warn("kafka event log: could not check that topic {} exists ({}); going on", topic.name(),
                    describe(e));
        } catch (TimeoutException e) {
            LOG.warn("kafka event log: could not check that topic {} exists within {} ms (brokers {}); going on",
                    topic.name(), requestTimeout.toMillis(), bootstrap.bootstrapServers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topic " + topic.name(), e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the event log is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Stops every subscription (in-flight handlers finish, handled offsets are committed), then the clients. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<KafkaSubscription<?>> open = new ArrayList<>(subscriptions.values());
        for (KafkaSubscription<?> s : open) {
            s.beginClose();
        }
        for (KafkaSubscription<?> s : open) {
            s.close();
        }
        try {
            producer.close(closeTimeout);
        } catch (RuntimeException e) {
            LOG.warn("kafka event log: producer close failed: {}", describe(e));
        }
        try {
            admin.close(closeTimeout);
        } catch (RuntimeException e) {
            LOG.warn("kafka event log: admin client close failed: {}", describe(e));
        }
    }

    @Override
    public String toString() {
        return "KafkaEventLog[" + bootstrap + "]";
    }

    /** Options of a Kafka event log; {@link #bootstrap} is required. */
    public static final class Builder {
        private KafkaBootstrap bootstrap;
        private String clientId = "m0";
        private Duration publishTimeout = Duration.ofSeconds(5);
        private HandlerRetry retry = HandlerRetry.DEFAULTS;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration statusTimeout = Duration.ofSeconds(1);

        private Builder() {}

        /** The brokers ({@code bootstrap.servers}). */
        public Builder bootstrap(KafkaBootstrap bootstrap) {
            this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
            return this;
        }

        /** The brokers, as {@code kafka://host:port[,host:port]}. */
        public Builder url(String url) {
            return bootstrap(KafkaBootstrap.parse(url));
        }

        /**
         * The prefix of the Kafka client ids (default {@code m0}; each log adds a sequence number, each client its
         * role: {@code m0-1-producer}, {@code m0-1-m0.events-aggregator}): shown in broker logs and quotas.
         */
        public Builder clientId(String clientId) {
            Objects.requireNonNull(clientId, "clientId");
            if (!CLIENT_ID.matcher(clientId).matches()) {
                throw new IllegalArgumentException("clientId: must match " + CLIENT_ID + ", got '" + clientId + "'");
            }
            this.clientId = clientId;
            return this;
        }

        /**
         * How long a publish waits for the acknowledgement (default 5 s; at least 100 ms), and for topic metadata
         * before that.
         */
        public Builder publishTimeout(Duration publishTimeout) {
            Objects.requireNonNull(publishTimeout, "publishTimeout");
            if (publishTimeout.toMillis() < 100 || publishTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("publishTimeout: must be 100 ms..24 days, got " + publishTimeout);
            }
            this.publishTimeout = publishTimeout;
            return this;
        }

        /** Handler attempts per record before it is skipped (default 5). */
        public Builder maxAttempts(int maxAttempts) {
            retry = retry.withMaxAttempts(maxAttempts);
            return this;
        }

        /** Backoff after a handler's first failure, doubled after each next one up to {@code max} (50 ms, 2 s). */
        public Builder backoff(Duration initial, Duration max) {
            retry = retry.withBackoff(initial, max);
            return this;
        }

        /** How long close() waits for an in-flight handler before interrupting it (default 5 s). */
        public Builder closeTimeout(Duration closeTimeout) {
            Objects.requireNonNull(closeTimeout, "closeTimeout");
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout: must be >= 0, got " + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * The bound of one admin or consumer request (topic check, offset lookups for replay, commits, lag; default
         * 5 s, at least 100 ms).
         */
        public Builder requestTimeout(Duration requestTimeout) {
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            if (requestTimeout.toMillis() < 100 || requestTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("requestTimeout: must be 100 ms..24 days, got " + requestTimeout);
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** How long {@link #status()} waits for the brokers (default 1 s, at least 100 ms). */
        public Builder statusTimeout(Duration statusTimeout) {
            Objects.requireNonNull(statusTimeout, "statusTimeout");
            if (statusTimeout.toMillis() < 100 || statusTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("statusTimeout: must be 100 ms..24 days, got " + statusTimeout);
            }
            this.statusTimeout = statusTimeout;
            return this;
        }

        /**
         * Opens the producer and the admin client (no broker needs to be reachable yet).
         *
         * @param registry where the event log metrics are registered (one event log per registry)
         * @param clock stamps every record's timestamp, and so {@code publishedAtMs} and what replay replays
         */
        public KafkaEventLog build(PrometheusRegistry registry, InstantSource clock) {
            return new KafkaEventLog(this, registry, clock);
        }
    }
}
