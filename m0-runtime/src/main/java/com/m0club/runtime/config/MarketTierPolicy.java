package com.m0club.runtime.config;

/**
 * The global guardrail policy profile ({@code M0_MARKET_TIER_POLICY}); markets and domains may override it
 * (precedence market &gt; domain &gt; global &gt; built-in, see docs/protocol.md). How each profile bounds values is
 * the engine's business; this module only parses and validates the setting.
 */
public enum MarketTierPolicy {
    PERMISSIVE,
    NORMAL,
    STRICT
}
