package com.m0club.api.realtime;

import com.m0club.publish.view.OracleReadModel;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/**
 * One WebSocket connection to {@code /v1/stream}. On open the client is subscribed to every market; a
 * {@code {"subscribe":[...]}} message narrows it. Reading happens on the connection's thread; writing happens only
 * through the client's {@link ClientChannel}, so there is exactly one writer per connection.
 */
final class StreamListener implements WsListener {
    private final RealtimeHub hub;
    private final OracleReadModel model;
    private final StringBuilder partial = new StringBuilder();
    private ClientChannel channel;

    StreamListener(RealtimeHub hub, OracleReadModel model) {
        this.hub = hub;
        this.model = model;
    }

    @Override
    public void onOpen(WsSession session) {
        channel = hub.connect(new SessionSink(session));
        channel.offer(StreamMessages.subscribed(channel.subscription(), hub.clientBufferLimit()));
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (channel == null) {
            return;
        }
        if (partial.length() + text.length() > SubscribeRequest.MAX_MESSAGE_CHARS) {
            partial.setLength(0);
            hub.refused();
            channel.offer(StreamMessages.error("TOO_LARGE",
                    "a client message is at most " + SubscribeRequest.MAX_MESSAGE_CHARS + " characters"));
            return;
        }
        partial.append(text);
        if (!last) {
            return;
        }
        String message = partial.toString();
        partial.setLength(0);
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

    /** Writes to the Helidon session; {@code send} blocks while the client's socket is full. */
    private record SessionSink(WsSession session) implements MessageSink {
        @Override
        public void send(String text) {
            session.send(text, true);
        }

        @Override
        public void close(int code, String reason) {
            session.close(code, reason);
        }
    }
}
