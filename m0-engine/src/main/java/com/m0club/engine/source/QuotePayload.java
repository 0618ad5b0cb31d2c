package com.m0club.engine.source;

import com.m0club.protocol.id.OutcomeId;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The numbers of one quote. The records hold what the source said, unchecked beyond structure: a NaN or an odds value
 * of 0.9 is representable so that ingest can reject it with a reason and a metric rather than a connector crashing.
 * Maps are copied into canonical order (outcome id ascending by byte) and are unmodifiable.
 */
public sealed interface QuotePayload {

    QuoteKind kind();

    /** The per-outcome numbers (odds or prices), in canonical outcome order. */
    SortedMap<OutcomeId, Double> values();

    /**
     * Decimal odds per outcome as a bookmaker prints them (stake included: odds 2.0 pays 2 per 1 staked). The implied
     * probabilities {@code 1/odds} sum to more than 1; the excess is the bookmaker's margin.
     */
    record BookmakerOdds(SortedMap<OutcomeId, Double> odds) implements QuotePayload {
        public BookmakerOdds {
            odds = canonical("odds", odds);
        }

        public static BookmakerOdds of(Map<OutcomeId, Double> odds) {
            return new BookmakerOdds(new TreeMap<>(Objects.requireNonNull(odds, "odds")));
        }

        @Override
        public QuoteKind kind() {
            return QuoteKind.BOOKMAKER_ODDS;
        }

        @Override
        public SortedMap<OutcomeId, Double> values() {
            return odds;
        }
    }

    /**
     * Mid prices per outcome in [0, 1] (a price of 0.62 pays 1 if the outcome happens), with the typical bid-ask
     * spread in probability units. Mid prices of a liquid book sum to about 1; the spread is how uncertain the mid is.
     */
    record ExchangePrices(SortedMap<OutcomeId, Double> prices, double spread) implements QuotePayload {
        public ExchangePrices {
            prices = canonical("prices", prices);
        }

        public static ExchangePrices of(Map<OutcomeId, Double> prices, double spread) {
            return new ExchangePrices(new TreeMap<>(Objects.requireNonNull(prices, "prices")), spread);
        }

        @Override
        public QuoteKind kind() {
            return QuoteKind.EXCHANGE_PRICE;
        }

        @Override
        public SortedMap<OutcomeId, Double> values() {
            return prices;
        }
    }

    private static SortedMap<OutcomeId, Double> canonical(String field, Map<OutcomeId, Double> values) {
        if (values == null) {
            throw new IllegalArgumentException(field + ": is required");
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(field + ": needs at least one outcome");
        }
        TreeMap<OutcomeId, Double> copy = new TreeMap<>();
        for (Map.Entry<OutcomeId, Double> e : values.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException(field + ": outcome ids and values are required (no nulls)");
            }
            copy.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableSortedMap(copy);
    }
}
