package com.m0club.api.realtime;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.id.MarketId;
import com.m0club.view.OracleReadModel;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Parses a client's {@code {"subscribe":["MARKET_ID",...]}}. Every id must be well formed and registered; otherwise
 * the whole message is refused with an error naming the entry and the rule, and the previous subscription stays.
 */
final class SubscribeRequest {
    /** Enough for every market of a deployment; a larger message is refused unread. */
    static final int MAX_MESSAGE_CHARS = 64 * 1024;

    /** Strict RFC 8259: one document, nothing after it, no duplicate keys. */
    private static final ObjectReader STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build().reader();

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
            root = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            return new Refused("INVALID_JSON", "message: " + rule(e) + at(e));
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

    /** Says which JSON rule was broken, in our words (never the parser's internals). */
    private static String rule(JsonProcessingException e) {
        String original = String.valueOf(e.getOriginalMessage());
        if (original.startsWith("Duplicate field")) {
            int open = original.indexOf('\'');
            int close = original.lastIndexOf('\'');
            String key = open >= 0 && close > open ? original.substring(open + 1, close) : "?";
            return "duplicate key \"" + (key.length() > 64 ? key.substring(0, 64) + "..." : key)
                    + "\": every key may appear once in an object";
        }
        if (e instanceof MismatchedInputException && original.contains("Trailing token")) {
            return "exactly one JSON document is allowed, with nothing after it";
        }
        if (e instanceof MismatchedInputException) {
            return "must be one JSON document, got an empty message";
        }
        return "must be one well-formed JSON document (RFC 8259)";
    }

    private static String at(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getCharOffset() < 0 ? ""
                : " (at character " + e.getLocation().getCharOffset() + ")";
    }
}
