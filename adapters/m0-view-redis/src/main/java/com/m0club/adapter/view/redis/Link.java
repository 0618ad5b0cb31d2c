package com.m0club.adapter.view.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to Redis that is opened in the background: a first connect that fails (Redis down when the process
 * starts) is retried every {@code retry} until it succeeds or the link closes, so a process never fails to start
 * because of Redis. Once open, Lettuce re-establishes the connection by itself after every loss; this link counts
 * those reconnects ({@code m0_redis_reconnects_total{connection}}) and keeps {@code m0_redis_connected{connection}}.
 */
final class Link<C extends StatefulConnection<byte[], byte[]>> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Link.class);

    private final String name;
    private final String target;
    private final Supplier<C> connect;
    private final Duration retry;
    private final RedisMetrics metrics;
    private final Consumer<C> onOpen;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final java.util.List<Runnable> lostListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread connector;
    private volatile C connection;
    private volatile boolean up;
    private volatile String lastError = "not connected yet";

    /**
     * @param name the {@code connection} label: {@code commands} or {@code pubsub}
     * @param target host:port for logs (never the URL: it may hold a password)
     * @param onOpen runs once on the connector thread when the connection first opens (listeners, subscriptions)
     */
    Link(String name, String target, Supplier<C> connect, Duration retry, RedisMetrics metrics, Consumer<C> onOpen) {
        this.name = name;
        this.target = target;
        this.connect = connect;
        this.retry = retry;
        this.metrics = metrics;
        this.onOpen = onOpen;
        metrics.connected.labelValues(name).set(0);
        metrics.reconnects.labelValues(name);
        this.connector = Thread.ofVirtual().name("redis-connect-" + name).start(this::connectLoop);
    }

    private void connectLoop() {
        boolean logged = false;
        while (closed.getCount() > 0) {
            try {
                C c = connect.get();
                c.addListener(new RedisConnectionStateListener() {
                    @Override
                    public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                        if (!up) {
                            metrics.reconnects.labelValues(name).inc();
                            LOG.info("redis {} connection to {} re-established", name, target);
                        }
                        up = true;
                        metrics.connected.labelValues(name).set(1);
                    }

                    @Override
                    public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                        if (up && closed.getCount() > 0) {
                            LOG.warn("redis {} connection to {} lost; reconnecting", name, target);
                        }
                        up = false;
                        lastError = "connection lost";
                        metrics.connected.labelValues(name).set(0);
                        lostListeners.forEach(Runnable::run);
                    }
                });
                if (closed.getCount() == 0) {
                    c.close();
                    return;
                }
                up = true;
                metrics.connected.labelValues(name).set(1);
                connection = c;
                onOpen.accept(c);
                LOG.info("redis {} connection to {} open", name, target);
                return;
            } catch (RuntimeException e) {
                metrics.errors.labelValues("connect").inc();
                lastError = describe(e);
                if (!logged) {
                    LOG.warn("redis {} connection to {} failed ({}); retrying every {} ms, meanwhile reads go to"
                            + " PostgreSQL", name, target, lastError, retry.toMillis());
                    logged = true;
                }
            }
            try {
                if (closed.await(retry.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs {@code listener} (on a Lettuce thread: it must not block) each time the open connection is lost. */
    void onLost(Runnable listener) {
        lostListeners.add(listener);
    }

    /** The open connection, or empty before the first connect succeeded. */
    Optional<C> current() {
        return Optional.ofNullable(connection);
    }

    /** True while the connection is open and connected. */
    boolean up() {
        C c = connection;
        return c != null && up && c.isOpen();
    }

    /** Why the link is not up, for readiness details (no secrets: exception class and message). */
    String lastError() {
        return lastError;
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + message;
    }

    @Override
    public void close() {
        closed.countDown();
        connector.interrupt();
        try {
            connector.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        C c = connection;
        if (c != null) {
            c.close();
        }
        metrics.connected.labelValues(name).set(0);
    }
}
