package com.m0club.engine.ingest;

import java.util.Locale;

/** How a quote's numbers became a probability vector (docs/quant.md, "De-margining"). */
public enum DemarginMethod {
    /** Bookmaker odds through Shin's model (the default). */
    SHIN,
    /** Bookmaker odds through the power method, when Shin's equation does not converge. */
    POWER,
    /** Exchange mid prices divided by their sum (the residual of a two-sided book is not a margin to model). */
    NORMALIZED_MID;

    /** The {@code method} label of {@code m0_ingest_demargin_total}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
