package com.m0club.api.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.m0club.api.rest.ApiServer;
import com.m0club.api.testing.Metrics;
import com.m0club.api.testing.OracleFixture;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RFC 6455 conformance and client limits of {@code /v1/stream}, frames written by hand (issue 6, item 9). */
@Timeout(30)
class WsConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ApiServer api;
    private static PrometheusRegistry registry;

    @BeforeAll
    static void start() {
        registry = new PrometheusRegistry();
        OracleFixture fixture = OracleFixture.seeded();
        api = ApiServer.builder().host("127.0.0.1").port(0).readModel(fixture.oracle()).feed(fixture.oracle())
                .registry(registry).clock(Clock.systemUTC()).build().start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** A raw WebSocket client: handshake, masked frames out, frames in. */
    static final class Ws implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final DataInputStream in;

        Ws(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5_000);
            out = socket.getOutputStream();
            in = new DataInputStream(socket.getInputStream());
            out.write(("GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response r = RawHttp.read(in, true);
            assertThat(r.status()).isEqualTo(101);
            assertThat(json(next()).get("type").asText()).isEqualTo("subscribed");
        }

        void frame(int opcode, boolean fin, byte[] payload) throws IOException {
            java.io.ByteArrayOutputStream f = new java.io.ByteArrayOutputStream();
            f.write((fin ? 0x80 : 0) | opcode);
            if (payload.length < 126) {
                f.write(0x80 | payload.length);
            } else if (payload.length < 65_536) {
                f.write(0x80 | 126);
                f.write(payload.length >>> 8);
                f.write(payload.length & 0xff);
            } else {
                f.write(0x80 | 127);
                for (int i = 56; i >= 0; i -= 8) {
                    f.write((int) ((long) payload.length >>> i) & 0xff);
                }
            }
            byte[] mask = {1, 2, 3, 4};
            f.write(mask);
            byte[] masked = payload.clone();
            for (int i = 0; i < masked.length; i++) {
                masked[i] ^= mask[i % 4];
            }
            f.write(masked);
            out.write(f.toByteArray());
            out.flush();
        }

        void text(String s) throws IOException {
            frame(1, true, s.getBytes(StandardCharsets.UTF_8));
        }

        /** The next frame as {opcode, payload...}; fails on anything that is not a WebSocket frame. */
        byte[] next() throws IOException {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            assertThat(b0).as("a WebSocket frame, not raw HTTP ('H' = 0x48)").isNotEqualTo('H');
            long len = in.read() & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            byte[] frame = new byte[(int) len + 1];
            frame[0] = (byte) (b0 & 0x0f);
            in.readFully(frame, 1, (int) len);
            return frame;
        }

        /** Reads until a close frame and returns its code (-1 when the connection ended without one). */
        int closeCode() throws IOException {
            while (true) {
                byte[] f;
                try {
                    f = next();
                } catch (java.net.SocketException e) {
                    return -1;
                }
                if (f == null) {
                    return -1;
                }
                if (f[0] == 8) {
                    return f.length >= 3 ? ((f[1] & 0xff) << 8) | (f[2] & 0xff) : 1005;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static JsonNode json(byte[] frame) {
        try {
            return JSON.readTree(Arrays.copyOfRange(frame, 1, frame.length));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static double errors(String reason) {
        return Metrics.value(registry, "m0_realtime_errors", "reason", reason);
    }

    @Test
    void unknownOpcodeClosesWith1002NotRawHttp() throws Exception {
        try (Ws ws = new Ws(api.port())) {
            ws.frame(0x3, true, new byte[] {1, 2});
            assertThat(ws.closeCode()).isEqualTo(1002);
        }
        assertThat(errors("protocol_error")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void invalidUtf8ClosesWith1007() throws Exception {
        try (Ws ws = new Ws(api.port())) {
            ws.frame(0x1, true, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
            assertThat(ws.closeCode()).isEqualTo(1007);
        }
        assertThat(errors("invalid_utf8")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void oversizedPingClosesWith1002() throws Exception {
        try (Ws ws = new Ws(api.port())) {
            ws.frame(0x9, true, new byte[200]);
            assertThat(ws.closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void aMessageAboveTheCapClosesWith1009BeforeItIsRead() throws Exception {
        try (Ws ws = new Ws(api.port())) {
            byte[] fragment = new byte[16 * 1024];
            Arrays.fill(fragment, (byte) ' ');
            int sent = 0;
            try {
                ws.frame(0x1, false, fragment);
                for (sent = 1; sent < 1024; sent++) { // 16 MB if the server read it all
                    ws.frame(0x0, false, fragment);
                }
            } catch (IOException expected) {
                // the server closed while we were still sending
            }
            assertThat(ws.closeCode()).isEqualTo(1009);
            assertThat(sent).as("fragments accepted before the close").isLessThan(1024);
        }
        try (Ws ws = new Ws(api.port())) {
            try {
                ws.frame(0x1, true, new byte[1024 * 1024]);
            } catch (IOException expected) {
                // refused on its header
            }
            assertThat(ws.closeCode()).isEqualTo(1009);
        }
        assertThat(errors("too_large")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void jsonIsStrictAndErrorsAreInOurWords() throws Exception {
        try (Ws ws = new Ws(api.port())) {
            String id = OracleFixture.NBA.value();
            for (String bad : new String[] {
                    "{\"subscribe\":[\"" + id + "\"]} trailing",
                    "{\"subscribe\":[\"" + id + "\"]}{\"subscribe\":[\"" + id + "\"]}",
                    "{\"subscribe\":[\"" + id + "\"],\"subscribe\":[\"" + id + "\"]}"}) {
                ws.text(bad);
                JsonNode error = json(ws.next());
                assertThat(error.get("type").asText()).as(bad).isEqualTo("error");
                assertThat(error.get("error").asText()).isEqualTo("INVALID_JSON");
                String message = error.get("message").asText();
                assertThat(message).startsWith("message: ").doesNotContain("Jackson", "com.fasterxml", "token",
                        "Unexpected character", "Source:");
            }
            ws.text("{\"subscribe\":[\"" + id + "\"],\"subscribe\":[\"" + id + "\"]}");
            assertThat(json(ws.next()).get("message").asText()).contains("duplicate key \"subscribe\"");
        }
    }

    @Test
    void subscribeMessagesAreRateLimitedThenClosedWith1008() throws Exception {
        double before = errors("rate_limited");
        try (Ws ws = new Ws(api.port())) {
            String msg = "{\"subscribe\":[\"" + OracleFixture.NBA.value() + "\"]}";
            for (int i = 0; i < 40; i++) {
                try {
                    ws.text(msg);
                } catch (IOException closed) {
                    break;
                }
            }
            boolean sawRateLimited = false;
            int code;
            while (true) {
                byte[] f = ws.next();
                if (f == null) {
                    code = -1;
                    break;
                }
                if (f[0] == 8) {
                    code = ((f[1] & 0xff) << 8) | (f[2] & 0xff);
                    break;
                }
                sawRateLimited |= json(f).path("error").asText().equals("RATE_LIMITED");
            }
            assertThat(sawRateLimited).isTrue();
            assertThat(code).isEqualTo(1008);
        }
        assertThat(errors("rate_limited")).isEqualTo(before + 1);
    }
}
