package com.m0club.api.realtime;

import com.m0club.view.OracleReadModel;
import com.m0club.view.PublishedFeed;
import com.m0club.view.ServedValue;
import io.helidon.websocket.WsListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans the {@link PublishedFeed} out to WebSocket clients. Each value is rendered once and offered to every client
 * whose subscription wants its market; each client drains its own bounded queue on its own virtual thread, so a
 * slow client costs only its own buffer and never delays the feed or the other clients.
 *
 * <p>Lifecycle: {@link #start()} subscribes to the feed, {@link #close()} unsubscribes and closes every connection
 * (1001, going away). The hub owns the drain threads; it does not own the feed.
 */
public final class RealtimeHub implements AutoCloseable {
    /** Per-client buffer when none is configured: a few seconds of every market at the FAST cadence. */
    public static final int DEFAULT_CLIENT_BUFFER = 256;

    private static final Logger LOG = LoggerFactory.getLogger(RealtimeHub.class);

    private final PublishedFeed feed;
    private final OracleReadModel model;
    private final int clientBufferLimit;
    private final Set<ClientChannel> clients = ConcurrentHashMap.newKeySet();
    private final java.util.Map<Object, ClientChannel> bySession = new ConcurrentHashMap<>();
    private final ClientLimits limits;
    private final ExecutorService drains =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("m0-realtime-drain-", 0).factory());

    private final Gauge clientsGauge;
    private final Counter dropped;
    private final Counter sent;
    private final Counter errors;

    private final ClientChannel.Events channelEvents = new ClientChannel.Events() {
        @Override
        public void dropped() {
            dropped.inc();
        }

        @Override
        public void sent() {
            sent.inc();
        }

        @Override
        public void failed(ClientChannel channel, RuntimeException cause) {
            errors.labelValues("send_failed").inc();
            LOG.debug("realtime send failed; dropping the client", cause);
            disconnect(channel);
        }
    };

    private AutoCloseable feedSubscription;
    private boolean closed;

    public RealtimeHub(PublishedFeed feed, OracleReadModel model, PrometheusRegistry registry,
            int clientBufferLimit) {
        this(feed, model, registry, clientBufferLimit, ClientLimits.DEFAULT);
    }

    /** @param limits what each client may send: message size cap and message rate */
    public RealtimeHub(PublishedFeed feed, OracleReadModel model, PrometheusRegistry registry,
            int clientBufferLimit, ClientLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.feed = Objects.requireNonNull(feed, "feed");
        this.model = Objects.requireNonNull(model, "model");
        Objects.requireNonNull(registry, "registry");
        if (clientBufferLimit < 1) {
            throw new IllegalArgumentException("client_buffer: must be >= 1 message, got " + clientBufferLimit);
        }
        this.clientBufferLimit = clientBufferLimit;
        this.clientsGauge = Gauge.builder().name("m0_realtime_clients")
                .help("WebSocket clients connected to /v1/stream").register(registry);
        this.dropped = Counter.builder().name("m0_realtime_dropped_total")
                .help("Messages dropped (oldest first) because a client's buffer was full").register(registry);
        this.sent = Counter.builder().name("m0_realtime_messages_total")
                .help("Messages written to WebSocket clients").register(registry);
        this.errors = Counter.builder().name("m0_realtime_errors_total")
                .help("Realtime failures: refused client messages, failed sends, failed renders")
                .labelNames("reason").register(registry);
    }

    /** Subscribes to the feed. Values published before this are not replayed (clients read /v1/markets first). */
    public synchronized RealtimeHub start() {
        if (closed) {
            throw new IllegalStateException("the realtime hub is closed");
        }
        if (feedSubscription == null) {
            feedSubscription = feed.subscribe(this::publish);
        }
        return this;
    }

    /** A listener for one new WebSocket connection (Helidon asks for one per connection). */
    public WsListener newListener() {
        return new StreamListener(this, model, limits);
    }

    public ClientLimits limits() {
        return limits;
    }

    public int clientBufferLimit() {
        return clientBufferLimit;
    }

    public int clientCount() {
        return clients.size();
    }

    /** The most messages any one client has waiting right now; never above {@link #clientBufferLimit()}. */
    public int maxBuffered() {
        int max = 0;
        for (ClientChannel c : clients) {
            max = Math.max(max, c.buffered());
        }
        return max;
    }

    /** Runs on the feed's thread: render once, enqueue per interested client, never block. */
    void publish(ServedValue value) {
        if (clients.isEmpty()) {
            return;
        }
        String message;
        try {
            message = StreamMessages.value(value);
        } catch (RuntimeException e) {
            errors.labelValues("render_failed").inc();
            LOG.warn("could not render the value of market {} for the stream", value.marketId(), e);
            return;
        }
        for (ClientChannel c : clients) {
            if (c.subscription().wants(value.marketId())) {
                c.offer(message);
            }
        }
    }

    ClientChannel connect(MessageSink sink) {
        ClientChannel channel = new ClientChannel(sink, clientBufferLimit, drains, channelEvents);
        synchronized (this) {
            if (closed) {
                channel.close(1001, "server shutting down");
                return channel;
            }
            clients.add(channel);
        }
        clientsGauge.set(clients.size());
        return channel;
    }

    void disconnect(ClientChannel channel) {
        if (clients.remove(channel)) {
            clientsGauge.set(clients.size());
        }
    }

    void refused() {
        errors.labelValues("refused_message").inc();
    }

    /** A client broke a protocol or limit rule ({@code too_large}, {@code invalid_utf8}, {@code rate_limited}...). */
    void rejected(String reason) {
        errors.labelValues(reason).inc();
    }

    void bind(Object session, ClientChannel channel) {
        bySession.put(session, channel);
    }

    /** The connection of {@code session} ended, however it ended: forget its channel if it is still here. */
    void connectionEnded(Object session) {
        ClientChannel channel = bySession.remove(session);
        if (channel != null) {
            channel.closedByPeer();
            disconnect(channel);
        }
    }

    void connectionFailed(ClientChannel channel, Throwable t) {
        errors.labelValues("connection_failed").inc();
        LOG.debug("realtime connection failed", t);
        channel.closedByPeer();
        disconnect(channel);
    }

    /**
     * Closes every current client connection (1001, going away) and keeps serving new ones: for draining a pod
     * before it stops, so clients reconnect elsewhere while it still answers REST.
     */
    public void disconnectAll() {
        for (ClientChannel c : clients) {
            disconnect(c);
            c.close(1001, "server going away");
        }
    }

    /** Unsubscribes from the feed and closes every client connection. Idempotent. */
    @Override
    public void close() {
        AutoCloseable subscription;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            subscription = feedSubscription;
            feedSubscription = null;
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                errors.labelValues("unsubscribe_failed").inc();
                LOG.warn("could not unsubscribe from the published feed", e);
            }
        }
        for (ClientChannel c : clients) {
            c.close(1001, "server shutting down");
        }
        clients.clear();
        clientsGauge.set(0);
        drains.shutdownNow();
    }
}
