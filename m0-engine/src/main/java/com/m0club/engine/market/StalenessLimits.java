package com.m0club.engine.market;

import com.m0club.protocol.registry.Domain;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How old a source's evidence may be before it no longer describes the market, per domain. Ingest rejects quotes
 * older than this; the aggregator drops a source whose latest event has become older than this (STALE_SOURCE).
 *
 * <p>Defaults are the upstream {@code thresholds.toml} domain values: sports 45 s, politics 120 s, macro 180 s,
 * crypto 30 s. They differ because the markets move at different speeds: a crypto range market reprices every
 * second, an election market every few minutes.
 */
public final class StalenessLimits {
    /** Upstream domain defaults (docs/quant.md, "Staleness"). */
    public static final StalenessLimits DEFAULTS = new StalenessLimits(Map.of(
            Domain.SPORTS, 45_000L,
            Domain.POLITICS, 120_000L,
            Domain.MACRO, 180_000L,
            Domain.CRYPTO, 30_000L));

    private final EnumMap<Domain, Long> limits;

    private StalenessLimits(Map<Domain, Long> limits) {
        this.limits = new EnumMap<>(Domain.class);
        for (Domain d : Domain.values()) {
            Long v = limits.get(d);
            if (v == null) {
                throw new IllegalArgumentException("staleness_ms." + d.name().toLowerCase(Locale.ROOT) + ": is required");
            }
            if (v <= 0) {
                throw new IllegalArgumentException(
                        "staleness_ms." + d.name().toLowerCase(Locale.ROOT) + ": must be > 0, got " + v);
            }
            this.limits.put(d, v);
        }
    }

    /** Limits for every domain; a missing domain is an error so a new domain cannot silently get no limit. */
    public static StalenessLimits of(Map<Domain, Long> limits) {
        Objects.requireNonNull(limits, "limits");
        return new StalenessLimits(limits);
    }

    /** These limits with one domain changed. */
    public StalenessLimits with(Domain domain, long limitMs) {
        EnumMap<Domain, Long> copy = new EnumMap<>(limits);
        copy.put(Objects.requireNonNull(domain, "domain"), limitMs);
        return new StalenessLimits(copy);
    }

    /** The longest limit over all domains: how far back an aggregator's state reaches. */
    public long longestMs() {
        return limits.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    /** The limit in milliseconds for {@code domain}. */
    public long limitMs(Domain domain) {
        return limits.get(domain);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StalenessLimits other && limits.equals(other.limits);
    }

    @Override
    public int hashCode() {
        return limits.hashCode();
    }

    @Override
    public String toString() {
        return "StalenessLimits" + limits;
    }
}
