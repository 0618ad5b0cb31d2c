package com.m0club.adapter.source.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.m0club.engine.source.QuotePayload;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Maps one response body to quotes with a connector's {@link FieldMapping}. A body that is not JSON, or whose
 * {@code items} pointer does not lead to an array, is a bad response (nothing is used); an item that cannot be
 * mapped (a missing or mistyped field, an unknown market or outcome, an outcome twice) is skipped with its reason
 * and the rest of the items are used. Numbers are checked for structure only (finite); ingest checks their ranges.
 * Thread-safe (no mutable state).
 */
public final class ResponseMapper {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ConnectorSpec spec;

    public ResponseMapper(ConnectorSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /** An item that was skipped: its index in {@code items}, the field (a JSON pointer) and the rule. */
    public record BadItem(int index, String field, String rule) {
        @Override
        public String toString() {
            return "items[" + index + "]" + field + ": " + rule;
        }
    }

    /**
     * What one body gave.
     *
     * @param quotes the mapped quotes, in item order
     * @param badItems the skipped items
     * @param items how many items the response had
     * @param badResponse why nothing could be used; empty when the body had an items array
     */
    public record Mapped(List<SourceQuote> quotes, List<BadItem> badItems, int items, Optional<String> badResponse) {
        public Mapped {
            quotes = List.copyOf(quotes);
            badItems = List.copyOf(badItems);
            Objects.requireNonNull(badResponse, "badResponse");
        }

        static Mapped bad(String why) {
            return new Mapped(List.of(), List.of(), 0, Optional.of(why));
        }
    }

    /**
     * Maps {@code body}.
     *
     * @param receivedAtMs when the response arrived: the event time of items when the mapping has no {@code ts_ms}
     * @param tracePrefix the prefix of each quote's trace id (the item index is appended)
     */
    public Mapped map(byte[] body, long receivedAtMs, String tracePrefix) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return Mapped.bad("the body is not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            return Mapped.bad("the body could not be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            return Mapped.bad("the body is empty");
        }
        FieldMapping m = spec.mapping();
        JsonNode items = root.at(m.items());
        if (!items.isArray()) {
            return Mapped.bad("mapping.items " + show(m.items()) + " does not lead to an array");
        }
        List<SourceQuote> quotes = new ArrayList<>();
        List<BadItem> bad = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                quotes.add(item(items.get(i), receivedAtMs, tracePrefix + "-" + i));
            } catch (ItemException e) {
                bad.add(new BadItem(i, e.field, e.getMessage()));
            }
        }
        return new Mapped(quotes, bad, items.size(), Optional.empty());
    }

    private SourceQuote item(JsonNode item, long receivedAtMs, String trace) {
        FieldMapping m = spec.mapping();
        String marketName = text(item, m.market(), "");
        MarketId market;
        if (spec.marketMap().isEmpty()) {
            market = id(() -> MarketId.of(marketName), m.market(), "",
                    "must be a market id (" + MarketId.RULE + ") or be listed in market_map");
        } else {
            market = spec.marketMap().get(marketName);
            if (market == null) {
                throw new ItemException(show(m.market()), "'" + clip(marketName) + "' is not in market_map");
            }
        }
        JsonNode outcomes = item.at(m.outcomes());
        if (!outcomes.isArray() || outcomes.isEmpty()) {
            throw new ItemException(show(m.outcomes()), "must be a non-empty array of outcomes");
        }
        TreeMap<OutcomeId, Double> values = new TreeMap<>();
        for (int j = 0; j < outcomes.size(); j++) {
            JsonNode o = outcomes.get(j);
            String at = show(m.outcomes()) + "/" + j;
            String name = text(o, m.outcome(), at);
            OutcomeId outcome;
            if (spec.outcomeMap().isEmpty()) {
                outcome = id(() -> OutcomeId.of(name), m.outcome(), at,
                        "must be an outcome id (" + OutcomeId.RULE + ") or be listed in outcome_map");
            } else {
                outcome = spec.outcomeMap().get(name);
                if (outcome == null) {
                    throw new ItemException(at + show(m.outcome()), "'" + clip(name) + "' is not in outcome_map");
                }
            }
            double v = number(o, m.value(), at);
            if (spec.kind() == ConnectorKind.PRICE) {
                v = v / spec.priceScale();
            }
            if (values.put(outcome, v) != null) {
                throw new ItemException(at + show(m.outcome()), "outcome " + outcome + " appears twice in the item");
            }
        }
        long eventTime = receivedAtMs;
        if (m.tsMs().isPresent()) {
            JsonNode ts = item.at(m.tsMs().get());
            if (!ts.isIntegralNumber() || !ts.canConvertToLong() || ts.longValue() < 0) {
                throw new ItemException(show(m.tsMs().get()), ts.isMissingNode() ? "is missing"
                        : "must be a non-negative integer (UTC ms)");
            }
            eventTime = ts.longValue();
        }
        QuotePayload payload = switch (spec.kind()) {
            case DECIMAL_ODDS -> new QuotePayload.BookmakerOdds(values);
            case PROBABILITY, PRICE -> {
                double spread = spec.defaultSpread();
                if (m.spread().isPresent()) {
                    spread = number(item, m.spread().get(), "");
                    if (spec.kind() == ConnectorKind.PRICE) {
                        spread = spread / spec.priceScale();
                    }
                }
                yield new QuotePayload.ExchangePrices(values, spread);
            }
        };
        return new SourceQuote(spec.id(), market, eventTime, payload, trace);
    }

    private static String text(JsonNode node, JsonPointer p, String at) {
        JsonNode n = node.at(p);
        if (n.isMissingNode() || n.isNull()) {
            throw new ItemException(at + show(p), "is missing");
        }
        if (!n.isTextual()) {
            throw new ItemException(at + show(p), "must be a string");
        }
        return n.textValue();
    }

    private static double number(JsonNode node, JsonPointer p, String at) {
        JsonNode n = node.at(p);
        double v;
        if (n.isMissingNode() || n.isNull()) {
            throw new ItemException(at + show(p), "is missing");
        } else if (n.isNumber()) {
            v = n.doubleValue();
        } else if (n.isTextual()) {
            try {
                v = Double.parseDouble(n.textValue().strip());
            } catch (NumberFormatException e) {
                throw new ItemException(at + show(p), "must be a number (or a string holding one)");
            }
        } else {
            throw new ItemException(at + show(p), "must be a number (or a string holding one)");
        }
        if (!Double.isFinite(v)) {
            throw new ItemException(at + show(p), "must be finite");
        }
        return v;
    }

    private static <T> T id(java.util.function.Supplier<T> parse, JsonPointer p, String at, String rule) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new ItemException(at + show(p), rule);
        }
    }

    private static String show(JsonPointer p) {
        return p.toString();
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private static final class ItemException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String field;

        ItemException(String field, String rule) {
            super(rule, null, false, false);
            this.field = field;
        }
    }
}
