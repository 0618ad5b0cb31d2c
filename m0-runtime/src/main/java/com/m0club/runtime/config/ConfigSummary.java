package com.m0club.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * What a process reports about its configuration without revealing it: the config hash, the profile and the
 * roles. Feeds {@code /v1/info} and the {@code m0_build_info} metric.
 *
 * @param hash {@link Config#hash()}
 * @param env profile id ({@code dev|staging|prod})
 * @param roles role ids, in declaration order of {@link Role}
 */
public record ConfigSummary(String hash, String env, List<String> roles) {

    public ConfigSummary {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(env, "env");
        roles = List.copyOf(roles);
    }
}
