package com.m0club.adapter.eventlog.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.support.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the NATS connections of the event log and of {@link NatsStreams}: reconnects forever, no reconnect buffer (a
 * publish while the server is away fails at once instead of being sent later, after the caller was told it failed),
 * and the client's events logged through SLF4J with credentials removed.
 */
final class NatsConnections {
    private static final Logger LOG = LoggerFactory.getLogger(NatsConnections.class);
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^@/\\s]*@");

    private NatsConnections() {}

    /** {@code text} with every {@code scheme://user:password@} shortened to {@code scheme://***@}. */
    static String redact(String text) {
        return text == null ? "" : USER_INFO.matcher(text).replaceAll("$1***@");
    }

    /**
     * A connection to {@code servers}, established before it returns.
     *
     * @throws IllegalStateException naming the servers (without credentials) when none accepted a connection
     */
    static Connection open(List<String> servers, String name, Duration connectTimeout, Duration reconnectWait,
            ConnectionListener listener) {
        Options options = Options.builder()
                .servers(servers.toArray(String[]::new))
                .connectionName(name)
                .connectionTimeout(connectTimeout)
                .maxReconnects(-1)
                .reconnectWait(reconnectWait)
                .reconnectBufferSize(0)
                .errorListener(new LoggingErrorListener(name))
                .connectionListener(listener)
                .build();
        try {
            return Nats.connect(options);
        } catch (IOException e) {
            throw new IllegalStateException("NATS: could not connect to " + redact(String.join(",", servers)) + " ("
                    + e.getClass().getSimpleName() + ": " + redact(e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("NATS: interrupted while connecting to "
                    + redact(String.join(",", servers)));
        }
    }

    /**
     * The client's asynchronous errors, through SLF4J, credentials removed; at most one WARN per 10 s (a server that
     * stays away makes every reconnect attempt fail), the rest at DEBUG.
     */
    private static final class LoggingErrorListener implements ErrorListener {
        private static final long WARN_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        private final String name;
        private final java.util.concurrent.atomic.AtomicLong lastWarn = new java.util.concurrent.atomic.AtomicLong();

        LoggingErrorListener(String name) {
            this.name = name;
        }

        private void log(String what, String detail) {
            long now = System.nanoTime();
            long last = lastWarn.get();
            if ((last == 0 || now - last > WARN_INTERVAL_NANOS) && lastWarn.compareAndSet(last, now)) {
                LOG.warn("NATS {}: {}: {}", name, what, redact(detail));
            } else {
                LOG.debug("NATS {}: {}: {}", name, what, redact(detail));
            }
        }

        @Override
        public void errorOccurred(Connection conn, String error) {
            log("server error", error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            log(exp.getClass().getSimpleName(), exp.getMessage());
        }

        @Override
        public void slowConsumerDetected(Connection conn, Consumer consumer) {
            log("slow consumer", "messages are being dropped by the client");
        }

        @Override
        public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
            log("pull status " + status.getCode(), status.getMessage());
        }
    }
}
