package com.m0club.adapter.view.redis;

import com.m0club.protocol.id.MarketId;
import com.m0club.view.OracleReadModel;
import com.m0club.view.ServedValue;
import com.m0club.view.Withdrawal;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One process's link to the Redis of {@code M0_REDIS_URL}: the API's latest-value cache and the fan-out channel of
 * newly served values. It owns the Lettuce client and the command connection; {@link #publisher()} gives the
 * reconciler's side (every value written and published once), {@link #replica} an API replica's side (the cache in
 * front of PostgreSQL, the subscription feeding the replica's hub, the catch-up from PostgreSQL).
 *
 * <p>Redis is never required: the connection opens in the background (a process whose Redis is down starts, reads
 * PostgreSQL and reports {@link #health()} degraded), commands fail fast while it is disconnected
 * ({@code REJECT_COMMANDS}, {@code commandTimeout} at most) and Lettuce reconnects by itself.
 *
 * <p>Keys (one deployment per Redis database; the prefix is {@code m0:view:} unless set): {@code <prefix>{<market>}:latest}
 * and {@code <prefix>{<market>}:withdrawn} (see {@link Scripts}), and the channel {@code <prefix>published}. The
 * braces keep a market's keys in one cluster slot. Nothing has a TTL: correctness never depends on an expiry, the
 * number of keys is bounded by the number of markets, and an expiring or evicted entry would lose the published mark
 * and the tombstone the ordering rule relies on (run Redis with {@code maxmemory-policy noeviction} or a
 * {@code volatile-*} policy).
 */
public final class RedisView implements AutoCloseable {
    static final String COMMANDS = "commands";
    static final String PUBSUB = "pubsub";

    private final RedisClient client;
    private final ClientResources resources;
    private final RedisURI uri;
    private final String target;
    private final PayloadCodec<ServedValue> values;
    private final PayloadCodec<Withdrawal> withdrawals;
    private final String prefix;
    private final byte[] channel;
    private final Duration commandTimeout;
    private final Duration connectRetry;
    final RedisMetrics metrics;
    private final Link<StatefulRedisConnection<byte[], byte[]>> commands;
    private final List<AutoCloseable> parts = new CopyOnWriteArrayList<>();
    private final List<RedisReplica> replicas = new CopyOnWriteArrayList<>();

    private RedisView(Builder b) {
        this.uri = RedisURI.create(b.url);
        this.target = uri.getHost() + ":" + uri.getPort();
        this.values = b.values;
        this.withdrawals = b.withdrawals;
        this.prefix = b.keyPrefix;
        this.channel = (prefix + "published").getBytes(StandardCharsets.UTF_8);
        this.commandTimeout = b.commandTimeout;
        this.connectRetry = b.connectRetry;
        this.metrics = new RedisMetrics(b.registry);
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), b.maxReconnectDelay, 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).keepAlive(true).build())
                .build());
        this.commands = new Link<>(COMMANDS, target, () -> {
            StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
            c.setTimeout(commandTimeout);
            return c;
        }, connectRetry, metrics, c -> { });
    }

    public static Builder builder(URI redisUrl) {
        return new Builder(redisUrl);
    }

    /**
     * The reconciler's side: writes each served value to the cache and publishes it on the fan-out channel once,
     * from a bounded queue that survives Redis outages (started; closed with this view).
     */
    public ServedValuePublisher publisher() {
        return publisher(ServedValuePublisher.DEFAULT_CAPACITY, Duration.ofMillis(200));
    }

    /** {@link #publisher()} with its queue capacity and the wait between retries while Redis is unreachable. */
    public ServedValuePublisher publisher(int capacity, Duration retryDelay) {
        ServedValuePublisher p = new ServedValuePublisher(this, capacity, retryDelay);
        parts.add(p);
        return p;
    }

    /**
     * An API replica's side, started: {@code postgres} behind the cache, and every newly served value (and withdrawal)
     * handed once to {@code values} ({@code withdrawals}), from the fan-out channel or, while Redis is unreachable and
     * after each reconnect, from PostgreSQL. See {@link RedisReplica}.
     */
    public RedisReplica replica(OracleReadModel postgres, Consumer<ServedValue> values,
            Consumer<Withdrawal> withdrawals) {
        return replica(postgres, values, withdrawals, RedisReplica.Settings.DEFAULTS);
    }

    public RedisReplica replica(OracleReadModel postgres, Consumer<ServedValue> values,
            Consumer<Withdrawal> withdrawals, RedisReplica.Settings settings) {
        RedisReplica r = new RedisReplica(this, postgres, values, withdrawals, settings);
        replicas.add(r);
        parts.add(r);
        r.start();
        return r;
    }

    /** Whether Redis answers, and each replica's state: what the readiness check {@code redis} reports. */
    public Health health() {
        List<String> problems = new ArrayList<>();
        String state;
        try {
            String pong = commands().ping();
            state = "PONG".equals(pong) ? "reachable" : "answered " + pong;
        } catch (RuntimeException e) {
            metrics.errors.labelValues("ping").inc();
            problems.add("unreachable (" + Link.describe(e) + ")");
            state = "unreachable";
        }
        for (RedisReplica r : replicas) {
            if (!r.inSync()) {
                problems.add("replica " + r.state());
            }
        }
        if (problems.isEmpty()) {
            return new Health(true, "redis " + target + " " + state
                    + (replicas.isEmpty() ? "" : ", fan-out subscribed and in sync"));
        }
        return new Health(false, "redis " + target + " " + String.join("; ", problems)
                + ": latest values are read from PostgreSQL" + (replicas.isEmpty() ? "" : " and polled from it"));
    }

    /**
     * The state {@link #health()} reports: healthy, or degraded with what is missing (the API still serves, from
     * PostgreSQL). The detail names host and port only, never the URL's credentials.
     */
    public record Health(boolean healthy, String detail) {
        public Health {
            Objects.requireNonNull(detail, "detail");
        }
    }

    // ------------------------------------------------------------------ operations (package-private)

    /** The command connection's synchronous API; throws when it is not open yet or disconnected. */
    RedisCommands<byte[], byte[]> commands() {
        return commands.current().orElseThrow(() -> new RedisUnavailableException("redis " + target + ": "
                + commands.lastError())).sync();
    }

    /** True while the command connection is open and connected. */
    boolean commandsUp() {
        return commands.up();
    }

    /** Runs {@code listener} each time the command connection is lost (on a Lettuce thread). */
    void onCommandsLost(Runnable listener) {
        commands.onLost(listener);
    }

    StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub() {
        return client.connectPubSub(ByteArrayCodec.INSTANCE);
    }

    Link<StatefulRedisPubSubConnection<byte[], byte[]>> pubSubLink(
            Consumer<StatefulRedisPubSubConnection<byte[], byte[]>> onOpen) {
        return new Link<>(PUBSUB, target, this::connectPubSub, connectRetry, metrics, onOpen);
    }

    byte[] channel() {
        return channel.clone();
    }

    boolean isChannel(byte[] name) {
        return java.util.Arrays.equals(channel, name);
    }

    /** The cached latest value of {@code market}, empty on a miss (or a tombstone); throws when Redis fails. */
    Optional<ServedValue> read(MarketId market) {
        byte[] body = commands().hget(latestKey(market), "body".getBytes(StandardCharsets.UTF_8));
        if (body == null) {
            return Optional.empty();
        }
        ServedValue v = decodeValue(body);
        if (!v.marketId().equals(market)) {
            throw new IllegalArgumentException("cache entry " + new String(latestKey(market), StandardCharsets.UTF_8)
                    + " holds a value of market " + v.marketId().value());
        }
        return Optional.of(v);
    }

    /** PUT (see {@link Scripts#PUT}); returns its result bits. */
    long put(ServedValue v, boolean publish) {
        return Scripts.PUT.run(commands(), keys(v.marketId()), OrderKey.of(v).encode().getBytes(StandardCharsets.UTF_8),
                v.bundleHash().toHex().getBytes(StandardCharsets.UTF_8), encodeValue(v),
                (publish ? "1" : "0").getBytes(StandardCharsets.UTF_8), channel);
    }

    /** SYNC (see {@link Scripts#SYNC}) of {@code market} with what PostgreSQL serves; returns its result. */
    long sync(MarketId market, Optional<ServedValue> postgres, long readStartMicros) {
        byte[] empty = new byte[0];
        return Scripts.SYNC.run(commands(), keys(market),
                postgres.map(v -> OrderKey.of(v).encode().getBytes(StandardCharsets.UTF_8)).orElse(empty),
                postgres.map(v -> v.bundleHash().toHex().getBytes(StandardCharsets.UTF_8)).orElse(empty),
                postgres.map(this::encodeValue).orElse(empty),
                Long.toString(readStartMicros).getBytes(StandardCharsets.UTF_8));
    }

    /** WITHDRAW (see {@link Scripts#WITHDRAW}); true when the cache held the withdrawn value. */
    boolean withdraw(Withdrawal w) {
        return Scripts.WITHDRAW.run(commands(), keys(w.marketId()),
                w.bundleHash().toHex().getBytes(StandardCharsets.UTF_8), channel,
                Envelope.encode(Envelope.WITHDRAWAL, withdrawals.version(), withdrawals.encoder().apply(w))) == 1;
    }

    /** Redis server time in microseconds (the clock the scripts stamp entries with). */
    long serverTimeMicros() {
        List<byte[]> time = commands().time();
        return Long.parseLong(new String(time.get(0), StandardCharsets.US_ASCII)) * 1_000_000L
                + Long.parseLong(new String(time.get(1), StandardCharsets.US_ASCII));
    }

    byte[] encodeValue(ServedValue v) {
        return Envelope.encode(Envelope.VALUE, values.version(), values.encoder().apply(v));
    }

    /** The value of a value envelope; throws {@link IllegalArgumentException} naming what is wrong. */
    ServedValue decodeValue(byte[] bytes) {
        return switch (Envelope.decode(bytes)) {
            case Envelope.Value v -> values.decoder().apply(checkVersion(v, values.version()).payload());
            case Envelope.Withdrawn w -> throw new IllegalArgumentException("envelope: a withdrawal where a value"
                    + " was expected");
        };
    }

    /** The decoded message of a fan-out envelope: a {@link ServedValue} or a {@link Withdrawal}. */
    Object decodeMessage(byte[] bytes) {
        return switch (Envelope.decode(bytes)) {
            case Envelope.Value v -> values.decoder().apply(checkVersion(v, values.version()).payload());
            case Envelope.Withdrawn w -> withdrawals.decoder().apply(checkVersion(w, withdrawals.version()).payload());
        };
    }

    private static Envelope checkVersion(Envelope e, int version) {
        if (e.version() != version) {
            throw new IllegalArgumentException("envelope schema_version: this process reads version " + version
                    + ", got " + e.version());
        }
        return e;
    }

    byte[] latestKey(MarketId market) {
        return (prefix + "{" + market.value() + "}:latest").getBytes(StandardCharsets.UTF_8);
    }

    private byte[][] keys(MarketId market) {
        return new byte[][] {latestKey(market),
            (prefix + "{" + market.value() + "}:withdrawn").getBytes(StandardCharsets.UTF_8)};
    }

    String target() {
        return target;
    }

    @Override
    public void close() {
        for (AutoCloseable p : parts.reversed()) {
            try {
                p.close();
            } catch (Exception e) {
                // closing: nothing to do but go on with the others
            }
        }
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** Thrown by an operation while the command connection is not open: the caller falls back to PostgreSQL. */
    static final class RedisUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RedisUnavailableException(String message) {
            super(message);
        }
    }

    public static final class Builder {
        private final URI url;
        private PrometheusRegistry registry;
        private PayloadCodec<ServedValue> values;
        private PayloadCodec<Withdrawal> withdrawals;
        private String keyPrefix = "m0:view:";
        private Duration commandTimeout = Duration.ofSeconds(1);
        private Duration connectRetry = Duration.ofSeconds(1);
        private Duration maxReconnectDelay = Duration.ofSeconds(2);

        private Builder(URI url) {
            Objects.requireNonNull(url, "redisUrl");
            String scheme = url.getScheme();
            if (!"redis".equals(scheme) && !"rediss".equals(scheme) || url.getHost() == null) {
                throw new IllegalArgumentException("redisUrl: must be redis:// or rediss:// with a host, got scheme "
                        + scheme);
            }
            this.url = url;
        }

        public Builder registry(PrometheusRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** The codec of served values (m0.published's). */
        public Builder values(PayloadCodec<ServedValue> values) {
            this.values = Objects.requireNonNull(values, "values");
            return this;
        }

        /** The codec of withdrawals (m0.withdrawn's). */
        public Builder withdrawals(PayloadCodec<Withdrawal> withdrawals) {
            this.withdrawals = Objects.requireNonNull(withdrawals, "withdrawals");
            return this;
        }

        /** Prefix of every key and of the channel (default {@code m0:view:}). */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isEmpty() || keyPrefix.contains("{") || keyPrefix.contains("}")) {
                throw new IllegalArgumentException("keyPrefix: must be non-empty and without braces, got \""
                        + keyPrefix + "\"");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** Limit of one Redis command and of a connect (default 1 s). */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = positive(commandTimeout, "commandTimeout");
            return this;
        }

        /** Wait between first-connect attempts while Redis is down at start (default 1 s). */
        public Builder connectRetry(Duration connectRetry) {
            this.connectRetry = positive(connectRetry, "connectRetry");
            return this;
        }

        /** Upper bound of Lettuce's exponential reconnect delay after a lost connection (default 2 s). */
        public Builder maxReconnectDelay(Duration maxReconnectDelay) {
            this.maxReconnectDelay = positive(maxReconnectDelay, "maxReconnectDelay");
            return this;
        }

        /** Starts connecting in the background and returns at once. */
        public RedisView build() {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(values, "values (the served-value codec)");
            Objects.requireNonNull(withdrawals, "withdrawals (the withdrawal codec)");
            return new RedisView(this);
        }

        static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": must be positive, got " + d);
            }
            return d;
        }
    }
}
