package com.m0club.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The config hash is a function of the effective values only, never of how the env map happens to iterate. */
class ConfigHashProperties {

    @Property(tries = 200)
    void hashIsIndependentOfEnvIterationOrder(@ForAll("environments") Map<String, String> env,
            @ForAll long seed) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(env.entrySet());
        Collections.shuffle(entries, new Random(seed));
        Map<String, String> shuffled = new LinkedHashMap<>();
        entries.forEach(e -> shuffled.put(e.getKey(), e.getValue()));
        Map<String, String> reversed = new LinkedHashMap<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            reversed.put(entries.get(i).getKey(), entries.get(i).getValue());
        }

        Config sorted = M0Keys.load(new TreeMap<>(env), Optional.empty());
        Config first = M0Keys.load(shuffled, Optional.empty());
        Config second = M0Keys.load(reversed, Optional.empty());
        Config hashed = M0Keys.load(new HashMap<>(env), Optional.empty());

        assertThat(first.hash()).isEqualTo(sorted.hash()).isEqualTo(second.hash()).isEqualTo(hashed.hash());
        assertThat(first.warnings()).isEqualTo(sorted.warnings()).isEqualTo(second.warnings());
        assertThat(first.describe()).isEqualTo(second.describe());
    }

    @Provide
    Arbitrary<Map<String, String>> environments() {
        Arbitrary<Optional<String>> concurrency = Arbitraries.integers().between(1, 64).map(String::valueOf)
                .optional();
        Arbitrary<Optional<String>> adminPort = Arbitraries.integers().between(0, 65535).map(String::valueOf)
                .optional();
        Arbitrary<Optional<String>> postgres = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12)
                .map(password -> "postgresql://m0:" + password + "@db:5432/m0").optional();
        Arbitrary<Optional<String>> roles = Arbitraries.subsetOf(Role.values()).ofMinSize(1)
                .map(set -> set.stream().map(Role::id).collect(Collectors.joining(","))).optional();
        Arbitrary<Optional<String>> policy = Arbitraries.of(MarketTierPolicy.class).map(Enum::name).optional();
        Arbitrary<Map<String, String>> noise = Arbitraries.maps(
                Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(6).map(s -> "M0_ZZ_" + s),
                Arbitraries.strings().alpha().ofMaxLength(5)).ofMaxSize(4);
        return Combinators.combine(concurrency, adminPort, postgres, roles, policy, noise)
                .as((c, p, pg, r, tier, extra) -> {
                    Map<String, String> env = new HashMap<>(extra);
                    c.ifPresent(v -> env.put("M0_PUBLISH_CONCURRENCY", v));
                    p.ifPresent(v -> env.put("M0_ADMIN_PORT", v));
                    pg.ifPresent(v -> env.put("M0_POSTGRES_URL", v));
                    r.ifPresent(v -> env.put("M0_ROLES", v));
                    tier.ifPresent(v -> env.put("M0_MARKET_TIER_POLICY", v));
                    return env;
                });
    }
}
