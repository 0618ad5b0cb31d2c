package com.m0club.api.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.api.json.Json;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.id.MarketId;
import com.m0club.publish.view.OracleReadModel;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Parses a client's {@code {"subscribe":["MARKET_ID",...]}}. Every id must be well formed and registered; otherwise
 * the whole message is refused with an error naming the entry and the rule, and the previous subscription stays.
 */
final class SubscribeRequest {
    /** Enough for every market of a deployment; a larger message is refused unread. */
    static final int MAX_MESSAGE_CHARS = 64 * 1024;

    private SubscribeRequest() {}

    /** The outcome of parsing: a subscription, or a refusal with a stable code and a message. */
    sealed interface Result {}

    record Accepted(Subscription subscription) implements Result {}

    record Refused(String code, String message) implements Result {}

    static Result parse(String text, OracleReadModel model) {
        if (text.length() > MAX_MESSAGE_CHARS) {
            return new Refused("TOO_LARGE", "a client message is at most " + MAX_MESSAGE_CHARS + " characters");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return new Refused("INVALID_JSON", "messages must be JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.has("subscribe")) {
            return new Refused("INVALID_FORMAT", "expected {\"subscribe\":[\"MARKET_ID\",...]}");
        }
        JsonNode list = root.get("subscribe");
        if (!list.isArray() || list.isEmpty()) {
            return new Refused("INVALID_FORMAT",
                    "subscribe: must be a non-empty array of market ids (reconnect to receive every market)");
        }
        Set<MarketId> markets = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String field = "subscribe[" + i + "]";
            if (!entry.isTextual()) {
                return new Refused("INVALID_FORMAT", field + ": must be a market id string");
            }
            MarketId id;
            try {
                id = MarketId.of(MarketId.validate(field, entry.asText()));
            } catch (ProtocolException e) {
                return new Refused(e.code().name(), e.getMessage());
            }
            if (model.market(id).isEmpty()) {
                return new Refused("NOT_FOUND", field + ": market " + id + " is not registered");
            }
            markets.add(id);
        }
        return new Accepted(Subscription.of(markets));
    }
}
