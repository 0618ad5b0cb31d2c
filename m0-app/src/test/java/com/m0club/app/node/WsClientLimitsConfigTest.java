package com.m0club.app.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.api.rest.ApiServer;
import com.m0club.api.testing.OracleFixture;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.M0Keys;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6 item 9: the WebSocket client limits are configuration ({@code ws_max_message_bytes},
 * {@code ws_message_burst}, {@code ws_messages_per_second}) and the node hands them to the API listener
 * ({@link OracleNode#clientLimits}): a small cap closes a larger message with 1009, a small burst gets
 * {@code RATE_LIMITED} and then close 1008 (docs/api.md, "WebSocket limits and close codes").
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WsClientLimitsConfigTest {
    private static final String SUBSCRIBE = "{\"subscribe\":[\"" + OracleFixture.NBA.value() + "\"]}";

    /** Collects what the server sends and the close code. */
    private static final class Client implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    private static ApiServer api(Map<String, String> env) {
        Config config = M0Keys.load(env, Optional.empty());
        OracleFixture fixture = OracleFixture.seeded();
        return ApiServer.builder().host("127.0.0.1").port(0).readModel(fixture.oracle()).feed(fixture.oracle())
                .clientLimits(OracleNode.clientLimits(config)).registry(new PrometheusRegistry())
                .clock(Clock.systemUTC()).build().start();
    }

    private static WebSocket connect(HttpClient http, ApiServer api, Client client) {
        return http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + api.port() + "/v1/stream"), client)
                .join();
    }

    @Test
    void aConfiguredSmallCapClosesALargerMessageWith1009() throws Exception {
        try (ApiServer api = api(Map.of("M0_WS_MAX_MESSAGE_BYTES", "1024"));
                HttpClient http = HttpClient.newHttpClient()) {
            Client client = new Client();
            WebSocket ws = connect(http, api, client);
            ws.sendText(SUBSCRIBE, true).join(); // below the cap: accepted
            String large = "{\"subscribe\":[\"" + "X".repeat(2_000) + "\"]}";
            try {
                ws.sendText(large, true).join();
            } catch (RuntimeException closedWhileSending) {
                // the server may close before the send completes
            }
            assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        }
    }

    @Test
    void aConfiguredSmallBurstIsRateLimitedThenClosedWith1008() throws Exception {
        try (ApiServer api = api(Map.of("M0_WS_MESSAGE_BURST", "2", "M0_WS_MESSAGES_PER_SECOND", "1"));
                HttpClient http = HttpClient.newHttpClient()) {
            Client client = new Client();
            WebSocket ws = connect(http, api, client);
            for (int i = 0; i < 4; i++) {
                try {
                    ws.sendText(SUBSCRIBE, true).join();
                } catch (RuntimeException closed) {
                    break;
                }
            }
            assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
            assertThat(client.texts).anySatisfy(t -> assertThat(t).contains("\"RATE_LIMITED\""));
        }
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        var limits = OracleNode.clientLimits(M0Keys.load(Map.of(), Optional.empty()));
        assertThat(limits.maxMessageBytes()).isEqualTo(64 * 1024);
        assertThat(limits.burst()).isEqualTo(10);
        assertThat(limits.messagesPerSecond()).isEqualTo(2.0);
    }
}
