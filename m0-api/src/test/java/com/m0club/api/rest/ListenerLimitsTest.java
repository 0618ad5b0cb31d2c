package com.m0club.api.rest;

import static com.m0club.http.testing.RawSockets.readUntilClosed;
import static com.m0club.http.testing.RawSockets.hasResponse;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.http.testing.RawSockets;
import com.m0club.api.testing.OracleFixture;
import com.m0club.api.testing.TestHttp;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6 item 7: with no connection cap and no idle or header timeout, ~19,900 idle connections exhausted the
 * process's descriptors and Helidon terminated the API's server socket for good. Bounded loopback runs: a cap of
 * {@value #CAP} connections flooded with {@value #CAP} + 200, and an idle timeout of 1 s (which also cuts off a client
 * stalled in its request line).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenerLimitsTest {
    private static final int CAP = 20;
    private static final int EXTRA = 200;
    private static final byte[] REQUEST = "GET /v1/markets HTTP/1.1\r\nHost: t\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private ApiServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        start(Duration.ofSeconds(1));
    }

    /** A server capped at {@value #CAP} connections with {@code timeouts} as its idle timeout. */
    private void start(Duration timeouts) {
        if (server != null) {
            server.close();
        }
        OracleFixture fixture = OracleFixture.seeded();
        server = ApiServer.builder().host("127.0.0.1").port(0).readModel(fixture.oracle()).feed(fixture.oracle())
                .registry(new PrometheusRegistry()).clock(Clock.systemUTC())
                .limits(new ApiServer.Limits(CAP, 64, timeouts)).build().start();
    }

    @AfterEach
    void stop() {
        sockets.forEach(RawSockets::closeQuietly);
        server.close();
    }

    @Test
    void aFloodAboveTheCapIsHeldBackAndTheListenerSurvivesAndRecovers() throws Exception {
        start(Duration.ofSeconds(30)); // no connection is let go while the flood is counted
        for (int i = 0; i < CAP + EXTRA; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            s.getOutputStream().write(REQUEST);
            sockets.add(s);
        }
        // at no moment are more than CAP of them being served: the rest wait in the accept backlog
        int answered = 0;
        for (Socket s : sockets) {
            if (hasResponse(s, 5)) {
                answered++;
            }
        }
        assertThat(answered).as("connections answered at once").isLessThanOrEqualTo(CAP);
        assertThat(server.listenerProblem(Duration.ofSeconds(2))).as("listener liveness while flooded").isEmpty();

        // the flood goes away: the listener is still there and serves a new client
        sockets.forEach(RawSockets::closeQuietly);
        sockets.clear();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int status = -1;
        while (System.nanoTime() < deadline && status != 200) {
            try {
                status = new TestHttp(server.baseUri()).get("/v1/markets").status();
            } catch (RuntimeException e) {
                Thread.sleep(100);
            }
        }
        assertThat(status).as("a new client once the flood closed").isEqualTo(200);
        assertThat(server.listenerProblem(Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void idleConnectionsAreClosedByTheServer() throws Exception {
        Socket s = connect();
        s.getOutputStream().write(REQUEST);
        InputStream in = s.getInputStream();
        s.setSoTimeout(15_000);
        assertThat(readUntilClosed(in)).as("server closed the idle keep-alive connection").isTrue();
    }

    @Test
    void aClientStallingInItsRequestLineIsCutOff() throws Exception {
        Socket s = connect();
        s.getOutputStream().write("GET /v1/mark".getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(15_000);
        assertThat(readUntilClosed(s.getInputStream())).as("server closed the stalled connection").isTrue();
    }

    @Test
    void aStoppedListenerIsReportedDead() {
        assertThat(server.listenerProblem(Duration.ofSeconds(2))).isEmpty();
        server.close();
        assertThat(server.listenerProblem(Duration.ofSeconds(2))).hasValueSatisfying(p ->
                assertThat(p).contains("not running"));
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        sockets.add(s);
        return s;
    }



}
