package com.m0club.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The listener's HTTP/1 connection selector, placed before Helidon's own: it claims every connection and hands it to a
 * Helidon HTTP/1 connection that reads through a {@link GuardedReader} and checks framing with {@link FramingRules}.
 * Helidon's selector would refuse an HTTP/1.0 request line outright; this one lets it be served. Every request head
 * has a deadline ({@link HeadDeadline}).
 */
final class StrictHttp1Selector implements ServerConnectionSelector {
    private final Http1ConnectionSelector delegate;
    private final Runnable onPeerGone;
    private final HeadDeadline deadline;

    StrictHttp1Selector(Http1Config config, List<Http1Upgrader> upgraders, Runnable onPeerGone,
            HeadDeadline deadline) {
        var builder = Http1ConnectionSelector.builder().config(config);
        upgraders.forEach(builder::addUpgrader);
        this.delegate = builder.build();
        this.onPeerGone = onPeerGone;
        this.deadline = deadline;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData request) {
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return delegate.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        GuardedReader reader = GuardedReader.over(ctx.dataReader(), onPeerGone);
        reader.deadline(deadline.watch(ctx));
        ServerConnection connection = delegate.connection(new Guarded(ctx, reader));
        reader.connection(connection);
        return connection;
    }

    /** The socket's context with the guarded reader in place of the socket reader. */
    private record Guarded(ConnectionContext ctx, GuardedReader reader) implements ConnectionContext {
        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return ctx.dataWriter();
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return ctx.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }
    }
}
