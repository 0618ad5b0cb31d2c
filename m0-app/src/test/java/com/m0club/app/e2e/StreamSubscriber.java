package com.m0club.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A WebSocket client of {@code /v1/stream} for the node and split-topology tests: keeps every value message as
 * {@code market/bundle hash/ledger status/sequence}, in arrival order.
 */
public final class StreamSubscriber implements WebSocket.Listener {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public final List<String> values = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                JsonNode m = MAPPER.readTree(partial.toString());
                if (m.path("type").asText().equals("value")) {
                    values.add(m.get("market_id").asText() + "/" + m.get("bundle_hash_hex").asText() + "/"
                            + m.get("ledger_status").asText() + "/" + m.get("sequence").asLong());
                }
            } catch (Exception e) {
                throw new IllegalStateException("not JSON: " + partial, e);
            } finally {
                partial.setLength(0);
            }
        }
        socket.request(1);
        return null;
    }

    /** The sequence of one kept value. */
    public static long sequence(String value) {
        return Long.parseLong(value.substring(value.lastIndexOf('/') + 1));
    }

    /** The highest sequence received (0 before the first value). */
    public long lastSequence() {
        return values.stream().mapToLong(StreamSubscriber::sequence).max().orElse(0);
    }
}
