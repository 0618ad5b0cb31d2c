package com.m0club.engine.source;

/**
 * What kind of number a source quotes. Each kind has its own payload record and its own way to become a probability
 * vector at ingest. New kinds (price feeds for range markets, polls) are added here with a new payload record and a
 * new wire code; existing codes never change meaning.
 */
public enum QuoteKind {
    /** Decimal odds per outcome from a bookmaker, margin included ({@link QuotePayload.BookmakerOdds}). */
    BOOKMAKER_ODDS(1),
    /** Mid prices per outcome in [0, 1] from an exchange or prediction market ({@link QuotePayload.ExchangePrices}). */
    EXCHANGE_PRICE(2);

    private final int code;

    QuoteKind(int code) {
        this.code = code;
    }

    /** The u8 written into hashed preimages; stable across versions. */
    public int code() {
        return code;
    }
}
