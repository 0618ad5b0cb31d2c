package com.m0club.runtime.config;

/**
 * A role a process plays ({@code M0_ROLES}). In dev one process plays all of them; in staging and prod each
 * deployment lists the roles it runs. The id is the spelling used in env vars, TOML and Kubernetes manifests.
 */
public enum Role {
    INGESTOR("ingestor"),
    AGGREGATOR("aggregator"),
    QUANT("quant"),
    BUNDLER("bundler"),
    SUBMITTER("submitter"),
    RECONCILER("reconciler"),
    SIGNER_AGENT("signer-agent"),
    API_GATEWAY("api-gateway"),
    REALTIME("realtime");
    // backtest-runner joins this list with the backtest runner itself: a role that would do nothing is not accepted.

    private final String id;

    Role(String id) {
        this.id = id;
    }

    /** Lowercase, hyphenated id. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
