package com.m0club.adapter.source.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the numbers of a connector's endpoint are, as the connectors file spells it ({@code kind}).
 */
public enum ConnectorKind {
    /** Decimal odds per outcome, margin included: {@code BOOKMAKER_ODDS} quotes. */
    DECIMAL_ODDS,
    /** Probabilities in [0, 1] per outcome (a prediction market's mid): {@code EXCHANGE_PRICE} quotes. */
    PROBABILITY,
    /**
     * Exchange prices per outcome in units of {@code price_scale} (for example cents with {@code price_scale = 100}):
     * divided by the scale, they are {@code EXCHANGE_PRICE} quotes.
     */
    PRICE;

    /** The spelling in the connectors file. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<ConnectorKind> of(String id) {
        return Arrays.stream(values()).filter(k -> k.id().equals(id)).findFirst();
    }

    static String ids() {
        return Arrays.stream(values()).map(ConnectorKind::id).collect(Collectors.joining("|"));
    }
}
