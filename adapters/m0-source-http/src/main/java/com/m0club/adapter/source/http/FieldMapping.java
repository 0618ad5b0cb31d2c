package com.m0club.adapter.source.http;

import com.fasterxml.jackson.core.JsonPointer;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a connector finds each field in its endpoint's JSON, as JSON pointers (RFC 6901; {@code ""} is the node
 * itself). {@link #items} is taken from the response's root and must be an array, one element per market quote;
 * {@link #market}, {@link #outcomes}, {@link #tsMs} and {@link #spread} from each item; {@link #outcomes} must be an
 * array, and {@link #outcome} and {@link #value} are taken from each of its elements.
 *
 * @param items the array of market quotes in the response
 * @param market the market's id in an item (a string; translated by {@code market_map} when one is given)
 * @param outcomes the array of outcomes in an item
 * @param outcome the outcome's name in an outcome element (a string; translated by {@code outcome_map})
 * @param value the number in an outcome element (decimal odds, probability or price by the connector's kind)
 * @param tsMs the source's timestamp of an item (UTC ms, an integer); empty: the time the response arrived
 * @param spread the bid-ask spread of an item (probability and price kinds); empty: the connector's
 *     {@code default_spread}
 */
public record FieldMapping(JsonPointer items, JsonPointer market, JsonPointer outcomes, JsonPointer outcome,
        JsonPointer value, Optional<JsonPointer> tsMs, Optional<JsonPointer> spread) {
    public FieldMapping {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(market, "market");
        Objects.requireNonNull(outcomes, "outcomes");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(tsMs, "ts_ms");
        Objects.requireNonNull(spread, "spread");
    }
}
