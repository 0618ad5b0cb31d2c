package com.m0club.app.node;

import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.config.PostgresUrl;
import com.m0club.runtime.config.Profile;
import com.m0club.runtime.config.Role;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@link OracleNode} needs to start, resolved from the validated {@link Config} plus the few settings
 * tests shorten (ports, round length, a shared PostgreSQL binaries directory). Immutable; built with
 * {@link #fromConfig} and adjusted with the {@code with*} methods.
 */
public record NodeOptions(
        Config config,
        Profile profile,
        Set<Role> roles,
        Path dataDir,
        Optional<String> postgresUrl,
        Optional<Path> postgresBinaries,
        int embeddedPostgresPort,
        Path marketsFile,
        long devEpochWindowMs,
        long devFinalizationDelayMs,
        int devSigners,
        int devThreshold,
        List<URI> signerEndpoints,
        long signerSetId,
        int apiPort,
        int adminPort,
        Duration roundLength,
        Duration engineTick,
        long simulatorSeed,
        InstantSource clock) {

    public NodeOptions {
        roles = Set.copyOf(roles);
        signerEndpoints = List.copyOf(signerEndpoints);
    }

    public static NodeOptions fromConfig(Config config) {
        return new NodeOptions(config, config.get(M0Keys.ENV), config.get(M0Keys.ROLES),
                config.get(M0Keys.DATA_DIR).toAbsolutePath().normalize(),
                config.find(M0Keys.POSTGRES_URL).map(PostgresUrl::text), Optional.empty(),
                54329, config.get(M0Keys.MARKETS_FILE),
                config.find(M0Keys.DEV_EPOCH_WINDOW_MS).orElse(60_000L),
                config.find(M0Keys.DEV_FINALIZATION_DELAY_MS).orElse(10_000L),
                config.find(M0Keys.DEV_SIGNER_COUNT).orElse(3), config.find(M0Keys.DEV_SIGNER_THRESHOLD).orElse(2),
                config.find(M0Keys.SIGNER_ENDPOINTS).orElse(List.of()), config.get(M0Keys.SIGNER_SET_ID),
                config.get(M0Keys.API_PORT), config.get(M0Keys.ADMIN_PORT), Duration.ofSeconds(1),
                Duration.ofMillis(250), 42L, InstantSource.system());
    }

    public boolean dev() {
        return profile == Profile.DEV;
    }

    public boolean runs(Role role) {
        return roles.contains(role);
    }

    public boolean runsAny(Role... any) {
        EnumSet<Role> set = EnumSet.noneOf(Role.class);
        set.addAll(List.of(any));
        return roles.stream().anyMatch(set::contains);
    }

    public NodeOptions withPorts(int api, int admin, int postgres) {
        return new NodeOptions(config, profile, roles, dataDir, postgresUrl, postgresBinaries, postgres, marketsFile,
                devEpochWindowMs, devFinalizationDelayMs, devSigners, devThreshold, signerEndpoints, signerSetId, api,
                admin, roundLength, engineTick, simulatorSeed, clock);
    }

    public NodeOptions withPostgresBinaries(Path dir) {
        return new NodeOptions(config, profile, roles, dataDir, postgresUrl, Optional.of(dir), embeddedPostgresPort,
                marketsFile, devEpochWindowMs, devFinalizationDelayMs, devSigners, devThreshold, signerEndpoints,
                signerSetId, apiPort, adminPort, roundLength, engineTick, simulatorSeed, clock);
    }
}
