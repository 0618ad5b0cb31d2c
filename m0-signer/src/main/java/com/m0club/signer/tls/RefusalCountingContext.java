package com.m0club.signer.tls;

import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An initialized JDK {@link SSLContext} whose engines report each refused handshake once, classified
 * ({@link TlsRefusal}), to a callback: the agent counts them in {@code m0_signer_tls_refused_total}. The JDK refuses
 * a missing client certificate before any trust manager runs, so the engine itself has to notice.
 *
 * <p>Only the engine path (Helidon's NIO listener) is observed; the socket factories are the delegate's and the
 * agent does not use them.
 */
final class RefusalCountingContext extends SSLContext {
    RefusalCountingContext(SSLContext delegate, Consumer<TlsRefusal> refused) {
        super(new Spi(delegate, refused), delegate.getProvider(), delegate.getProtocol());
    }

    /** The refusal a handshake failure stands for. */
    static TlsRefusal classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ClientCertificateRefused r) {
                return r.reason();
            }
        }
        String m = String.valueOf(failure.getMessage());
        if (m.contains("Empty client certificate chain") || m.contains("certificate_required")) {
            return TlsRefusal.NO_CLIENT_CERTIFICATE;
        }
        return TlsRefusal.HANDSHAKE_FAILED;
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final Consumer<TlsRefusal> refused;

        Spi(SSLContext delegate, Consumer<TlsRefusal> refused) {
            this.delegate = delegate;
            this.refused = refused;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("already initialized");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return new CountingEngine(delegate.createSSLEngine(), refused);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return new CountingEngine(delegate.createSSLEngine(host, port), refused);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }

    /** Delegates everything; a handshake that fails in wrap/unwrap is reported once. */
    private static final class CountingEngine extends SSLEngine {
        private final SSLEngine d;
        private final Consumer<TlsRefusal> refused;
        private volatile boolean done;

        CountingEngine(SSLEngine d, Consumer<TlsRefusal> refused) {
            super(d.getPeerHost(), d.getPeerPort());
            this.d = d;
            this.refused = refused;
        }

        private SSLEngineResult observe(SSLEngineResult r) {
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
                done = true;
            }
            return r;
        }

        private SSLException failed(SSLException e) {
            if (!done) {
                done = true;
                refused.accept(classify(e));
            }
            return e;
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            try {
                return observe(d.wrap(srcs, offset, length, dst));
            } catch (SSLException e) {
                throw failed(e);
            }
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
                throws SSLException {
            try {
                return observe(d.unwrap(src, dsts, offset, length));
            } catch (SSLException e) {
                throw failed(e);
            }
        }

        @Override
        public Runnable getDelegatedTask() {
            return d.getDelegatedTask();
        }

        @Override
        public void closeInbound() throws SSLException {
            d.closeInbound();
        }

        @Override
        public boolean isInboundDone() {
            return d.isInboundDone();
        }

        @Override
        public void closeOutbound() {
            d.closeOutbound();
        }

        @Override
        public boolean isOutboundDone() {
            return d.isOutboundDone();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return d.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return d.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            d.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedProtocols() {
            return d.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return d.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            d.setEnabledProtocols(protocols);
        }

        @Override
        public SSLSession getSession() {
            return d.getSession();
        }

        @Override
        public SSLSession getHandshakeSession() {
            return d.getHandshakeSession();
        }

        @Override
        public void beginHandshake() throws SSLException {
            try {
                d.beginHandshake();
            } catch (SSLException e) {
                throw failed(e);
            }
        }

        @Override
        public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return d.getHandshakeStatus();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            d.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return d.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            d.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return d.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            d.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return d.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            d.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return d.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return d.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            d.setSSLParameters(params);
        }

        @Override
        public String getApplicationProtocol() {
            return d.getApplicationProtocol();
        }

        @Override
        public String getHandshakeApplicationProtocol() {
            return d.getHandshakeApplicationProtocol();
        }

        @Override
        public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
            d.setHandshakeApplicationProtocolSelector(selector);
        }

        @Override
        public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
            return d.getHandshakeApplicationProtocolSelector();
        }
    }
}
