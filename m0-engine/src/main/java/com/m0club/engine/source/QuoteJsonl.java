package com.m0club.engine.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replay format: one {@link SourceQuote} per line as a JSON object (docs/quant.md, "Replay format"). The
 * simulator writes it, the replay connector reads it, and a recorded live session can be replayed through the same
 * stages. Field order is fixed and numbers are written in Java's shortest round-tripping form, so writing the same
 * quotes gives the same bytes and reading them back gives equal records.
 *
 * <pre>
 * {"v":1,"source":"sim.book-1","market":"NBA_LAL_BOS","event_time_ms":61000,"kind":"BOOKMAKER_ODDS",
 *  "odds":{"AWAY_WIN":2.1,"HOME_WIN":1.78},"trace_id":"9f0c..."}
 * {"v":1,"source":"sim.exch-3","market":"NBA_LAL_BOS","event_time_ms":61250,"kind":"EXCHANGE_PRICE",
 *  "prices":{"AWAY_WIN":0.452,"HOME_WIN":0.549},"spread":0.02,"trace_id":"0b1d..."}
 * </pre>
 *
 * <p>Readers reject an unknown {@code v} or {@code kind}, missing or mistyped fields and non-finite numbers; they
 * ignore fields they do not know so that a v1 reader can skip additive extensions. JSON is never hashed: the event id
 * is computed from the parsed record's canonical bytes, not from the line.
 */
public final class QuoteJsonl {
    /** Shared, thread-safe after configuration; tree model only (no POJO binding). */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private QuoteJsonl() {}

    /** The line for one quote, without the trailing newline. Non-finite numbers cannot be written as JSON. */
    public static String toLine(SourceQuote quote) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("v", SourceQuote.SCHEMA_VERSION);
        o.put("source", quote.source().value());
        o.put("market", quote.market().value());
        o.put("event_time_ms", quote.eventTimeMs());
        o.put("kind", quote.kind().name());
        switch (quote.payload()) {
            case QuotePayload.BookmakerOdds b -> o.set("odds", numbers("odds", b.odds()));
            case QuotePayload.ExchangePrices e -> {
                o.set("prices", numbers("prices", e.prices()));
                o.put("spread", finite("spread", e.spread()));
            }
        }
        o.put("trace_id", quote.traceId());
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a tree of strings and numbers", e);
        }
    }

    /** Parses one line; {@code lineNumber} goes into error messages. */
    public static SourceQuote parseLine(String line, long lineNumber) {
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new QuoteFormatException(lineNumber, "line", "must be one JSON object: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new QuoteFormatException(lineNumber, "line", "must be one JSON object");
        }
        long version = integer(root, "v", lineNumber);
        if (version != SourceQuote.SCHEMA_VERSION) {
            throw new QuoteFormatException(lineNumber, "v",
                    "unsupported schema version " + version + " (this reader speaks " + SourceQuote.SCHEMA_VERSION + ")");
        }
        try {
            SourceId source = SourceId.of(text(root, "source", lineNumber));
            MarketId market = MarketId.of(text(root, "market", lineNumber));
            long eventTime = integer(root, "event_time_ms", lineNumber);
            String kindName = text(root, "kind", lineNumber);
            QuoteKind kind;
            try {
                kind = QuoteKind.valueOf(kindName);
            } catch (IllegalArgumentException e) {
                throw new QuoteFormatException(lineNumber, "kind", "must be BOOKMAKER_ODDS or EXCHANGE_PRICE, got "
                        + kindName);
            }
            QuotePayload payload = switch (kind) {
                case BOOKMAKER_ODDS -> new QuotePayload.BookmakerOdds(outcomeNumbers(root, "odds", lineNumber));
                case EXCHANGE_PRICE -> new QuotePayload.ExchangePrices(outcomeNumbers(root, "prices", lineNumber),
                        number(root, "spread", lineNumber));
            };
            String traceId = text(root, "trace_id", lineNumber);
            return new SourceQuote(source, market, eventTime, payload, traceId);
        } catch (QuoteFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // identifier syntax errors from the protocol types name their field already
            throw new QuoteFormatException(lineNumber, "record", e.getMessage(), e);
        }
    }

    private static ObjectNode numbers(String field, Map<OutcomeId, Double> values) {
        ObjectNode n = MAPPER.createObjectNode();
        for (Map.Entry<OutcomeId, Double> e : values.entrySet()) {
            n.put(e.getKey().value(), finite(field + "." + e.getKey(), e.getValue()));
        }
        return n;
    }

    private static double finite(String field, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(field + ": JSON cannot carry the non-finite number " + v);
        }
        return v;
    }

    private static JsonNode required(JsonNode root, String field, long line) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new QuoteFormatException(line, field, "is required");
        }
        return n;
    }

    private static String text(JsonNode root, String field, long line) {
        JsonNode n = required(root, field, line);
        if (!n.isTextual()) {
            throw new QuoteFormatException(line, field, "must be a string");
        }
        return n.textValue();
    }

    private static long integer(JsonNode root, String field, long line) {
        JsonNode n = required(root, field, line);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new QuoteFormatException(line, field, "must be an integer");
        }
        return n.longValue();
    }

    private static double number(JsonNode root, String field, long line) {
        JsonNode n = required(root, field, line);
        if (!n.isNumber()) {
            throw new QuoteFormatException(line, field, "must be a number");
        }
        double v = n.doubleValue();
        if (!Double.isFinite(v)) {
            throw new QuoteFormatException(line, field, "must be finite");
        }
        return v;
    }

    private static TreeMap<OutcomeId, Double> outcomeNumbers(JsonNode root, String field, long line) {
        JsonNode n = required(root, field, line);
        if (!n.isObject() || n.isEmpty()) {
            throw new QuoteFormatException(line, field, "must be a non-empty object of outcome id -> number");
        }
        TreeMap<OutcomeId, Double> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            OutcomeId outcome;
            try {
                outcome = OutcomeId.of(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new QuoteFormatException(line, field, ex.getMessage(), ex);
            }
            out.put(outcome, number(n, e.getKey(), line));
        }
        return out;
    }
}
