package com.m0club.api.realtime;

import com.m0club.view.OracleReadModel;
import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.nio.charset.StandardCharsets;

/**
 * One WebSocket connection to {@code /v1/stream}. On open the client is subscribed to every market; a
 * {@code {"subscribe":[...]}} message narrows it. Reading happens on the connection's thread; data is written only
 * through the client's {@link ClientChannel}, and every write to the session (data, pong, close) holds the
 * session's lock, so frames never interleave.
 *
 * <p>Client messages are held to RFC 6455 and the {@link ClientLimits}: a message larger than the cap closes with
 * 1009, text that was not valid UTF-8 (Helidon decodes it to U+FFFD; client messages are ASCII JSON) with 1007, a
 * ping of more than 125 bytes with 1002, and an empty token bucket gets a {@code RATE_LIMITED} error then 1008.
 * Every rejection is counted in {@code m0_realtime_errors_total{reason}}.
 */
final class StreamListener implements WsListener {
    private final RealtimeHub hub;
    private final OracleReadModel model;
    private final ClientLimits limits;
    private final TokenBucket bucket;
    private final StringBuilder partial = new StringBuilder();
    private long partialBytes;
    private ClientChannel channel;

    StreamListener(RealtimeHub hub, OracleReadModel model, ClientLimits limits) {
        this.hub = hub;
        this.model = model;
        this.limits = limits;
        this.bucket = new TokenBucket(limits.burst(), limits.messagesPerSecond(), System.nanoTime());
    }

    @Override
    public void onOpen(WsSession session) {
        channel = hub.connect(new SessionSink(session));
        hub.bind(session, channel);
        channel.offer(StreamMessages.subscribed(channel.subscription(), hub.clientBufferLimit()));
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (channel == null) {
            return;
        }
        partialBytes += text.getBytes(StandardCharsets.UTF_8).length;
        if (partialBytes > limits.maxMessageBytes()) {
            fail(session, "too_large", 1009,
                    "message too big: a client message is at most " + limits.maxMessageBytes() + " bytes");
        }
        if (text.indexOf('\uFFFD') >= 0) {
            fail(session, "invalid_utf8", 1007, "invalid UTF-8 in a text message");
        }
        partial.append(text);
        if (!last) {
            return;
        }
        String message = partial.toString();
        partial.setLength(0);
        partialBytes = 0;
        if (!bucket.tryTake(System.nanoTime())) {
            hub.rejected("rate_limited");
            lockedSend(session, StreamMessages.error("RATE_LIMITED", "messages: at most " + limits.burst()
                    + " in a burst and " + limits.messagesPerSecond() + " per second per connection"));
            fail(session, null, 1008, "rate limit exceeded");
        }
        switch (SubscribeRequest.parse(message, model)) {
            case SubscribeRequest.Accepted a -> {
                channel.subscription(a.subscription());
                channel.offer(StreamMessages.subscribed(a.subscription(), hub.clientBufferLimit()));
            }
            case SubscribeRequest.Refused r -> {
                hub.refused();
                channel.offer(StreamMessages.error(r.code(), r.message()));
            }
        }
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        fail(session, "binary_message", 1003, "binary messages are not accepted: send JSON text");
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        if (buffer.available() > 125) {
            fail(session, "protocol_error", 1002, "protocol error: a control frame carries at most 125 bytes");
        }
        synchronized (session) {
            session.pong(buffer);
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        if (channel != null) {
            channel.closedByPeer();
            hub.disconnect(channel);
        }
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        if (channel != null) {
            hub.connectionFailed(channel, t);
        }
    }

    /** Closes with {@code code}, counts {@code reason} (when not null) and ends the connection without reading more. */
    private void fail(WsSession session, String reason, int code, String text) {
        if (reason != null) {
            hub.rejected(reason);
        }
        if (channel != null) {
            channel.closedByPeer();
            hub.disconnect(channel);
        }
        try {
            lockedClose(session, code, text);
        } catch (RuntimeException ignored) {
            // the peer is gone already
        }
        throw new CloseConnectionException("WebSocket client violated " + code + ": " + text);
    }

    private static void lockedSend(WsSession session, String text) {
        try {
            synchronized (session) {
                session.send(text, true);
            }
        } catch (RuntimeException ignored) {
            // the close that follows ends the connection either way
        }
    }

    static void lockedClose(WsSession session, int code, String reason) {
        synchronized (session) {
            session.close(code, reason);
        }
    }

    /** Writes to the Helidon session under its lock; {@code send} blocks while the client's socket is full. */
    private record SessionSink(WsSession session) implements MessageSink {
        @Override
        public void send(String text) {
            synchronized (session) {
                session.send(text, true);
            }
        }

        @Override
        public void close(int code, String reason) {
            lockedClose(session, code, reason);
        }
    }
}
