package com.m0club.store.registry;

import java.util.Optional;

/**
 * A markets file was refused. The message names the file, the market (its id, or its position when the id itself is
 * missing or bad) and the key, and states the rule, for example:
 * {@code config/markets.toml: market CRYPTO_BTC_RANGE_24H (markets[0]), key tier: must be FAST, NORMAL or SLOW
 * (STRICT is read as SLOW), got "HIGH"}.
 */
public final class MarketsFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String market;
    private final String key;

    MarketsFileException(String source, String market, String key, String rule) {
        super(source + ": " + (market == null ? "" : "market " + market + ", ") + (key == null ? "" : "key " + key
                + ": ") + rule);
        this.source = source;
        this.market = market;
        this.key = key;
    }

    /** The file (or other source name) that was read. */
    public String source() {
        return source;
    }

    /** The market the error is about, as {@code ID (markets[i])} or {@code markets[i]}. */
    public Optional<String> market() {
        return Optional.ofNullable(market);
    }

    /** The key at fault. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
