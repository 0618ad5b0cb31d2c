package com.m0club.runtime.admin;

import static com.m0club.http.testing.RawSockets.readToClose;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.runtime.BuildInfo;
import com.m0club.runtime.config.ConfigSummary;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6 item 7: a client that sends half a request line or half its headers and stalls is cut off after
 * {@code listener_header_timeout_ms} with a 408 and the listener's JSON error body (raw sockets, loopback, a 400 ms
 * deadline); a slow client that completes its head in time is served.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeaderTimeoutTest {
    private AdminServer server;
    private PrometheusRegistry registry;

    @BeforeEach
    void start() {
        registry = new PrometheusRegistry();
        server = AdminServer.builder().host("127.0.0.1").port(0)
                .buildInfo(new BuildInfo("1.2.3", "0123abcd", "2026-02-28T00:00:00Z"))
                .config(new ConfigSummary("c0ffee", "dev", List.of("ingestor"))).registry(registry)
                .limits(16, Duration.ofSeconds(30)).headerTimeout(Duration.ofMillis(400)).build();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }


    /** Reads until {@code count} status lines arrived (or 10 s pass). */
    private static String readResponses(Socket s, int count) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            String text = out.toString(StandardCharsets.US_ASCII);
            if (text.split("HTTP/1.1 ", -1).length > count && text.endsWith("}")) {
                break;
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        return s;
    }

    private double timeouts() {
        return registry.scrape().stream().filter(m -> m.getMetadata().getName().equals("m0_admin_http_header_timeouts"))
                .mapToDouble(m -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot) m).getDataPoints()
                        .getFirst().getValue()).sum();
    }

    @Test
    void halfARequestLineThenAStallIsClosedWith408() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /heal".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            long t0 = System.nanoTime();
            String response = readToClose(s);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(response).startsWith("HTTP/1.1 408").contains("request head").contains("\"error\"");
            assertThat(ms).as("closed after the 400 ms deadline, well before the 30 s idle timeout")
                    .isBetween(300L, 5_000L);
        }
        assertThat(timeouts()).isEqualTo(1.0);
    }

    @Test
    void aCompleteRequestLineWithStalledHeadersIsClosedWith408() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThat(readToClose(s)).startsWith("HTTP/1.1 408");
        }
    }

    @Test
    void aSlowButCompleteHeadIsServedAndTheDeadlineRestartsPerRequest() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            for (String part : List.of("GET /hea", "lthz HTTP/1.1\r\n", "Host: t\r\n", "\r\n")) {
                out.write(part.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(80);
            }
            // a keep-alive connection idle longer than the head deadline is not cut by it (the idle timeout rules)
            Thread.sleep(700);
            out.write("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String both = readResponses(s, 2);
            assertThat(both.split("HTTP/1.1 200", -1)).hasSize(3);
            assertThat(both).doesNotContain("408");
        }
        assertThat(timeouts()).isZero();
    }
}
