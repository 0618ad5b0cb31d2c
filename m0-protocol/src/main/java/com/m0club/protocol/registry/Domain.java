package com.m0club.protocol.registry;

/** A market's domain. It never changes for a market; guardrail and staleness defaults are set per domain. */
public enum Domain {
    SPORTS,
    POLITICS,
    MACRO,
    CRYPTO
}
