package com.m0club.backtest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a resolutions file, one {@link Resolution} per line. The file is small (one line per market), so a bad line
 * is fatal: {@link IllegalArgumentException} with {@code file:line: field: rule}. Blank lines are skipped; a market
 * resolved twice is an error.
 */
public final class ResolutionsJsonl {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResolutionsJsonl() {}

    public static List<Resolution> read(Path file) {
        List<Resolution> out = new ArrayList<>();
        Set<MarketId> seen = new HashSet<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                Resolution r = parse(file, n, line);
                if (!seen.add(r.market())) {
                    throw bad(file, n, "market", r.market() + " is resolved twice");
                }
                out.add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("resolutions file " + file + ": cannot be read: " + e.getMessage(), e);
        }
        return out;
    }

    static Resolution parse(Path file, long n, String line) {
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw bad(file, n, "line", "must be one JSON object: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad(file, n, "line", "must be one JSON object");
        }
        JsonNode market = root.get("market");
        JsonNode at = root.get("resolved_at_ms");
        JsonNode outcome = root.get("outcome");
        if (market == null || !market.isTextual()) {
            throw bad(file, n, "market", "must be a string");
        }
        if (at == null || !at.isIntegralNumber() || !at.canConvertToLong() || at.longValue() < 0) {
            throw bad(file, n, "resolved_at_ms", "must be an integer >= 0");
        }
        if (outcome == null || !outcome.isTextual()) {
            throw bad(file, n, "outcome", "must be a string");
        }
        MarketId m;
        OutcomeId o;
        try {
            m = MarketId.of(market.textValue());
        } catch (IllegalArgumentException e) {
            throw bad(file, n, "market", e.getMessage());
        }
        try {
            o = OutcomeId.of(outcome.textValue());
        } catch (IllegalArgumentException e) {
            throw bad(file, n, "outcome", e.getMessage());
        }
        return new Resolution(m, at.longValue(), o);
    }

    static IllegalArgumentException bad(Path file, long line, String field, String rule) {
        return new IllegalArgumentException(file + ":" + line + ": " + field + ": " + rule);
    }
}
