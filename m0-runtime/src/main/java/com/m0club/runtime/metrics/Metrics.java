package com.m0club.runtime.metrics;

import com.m0club.runtime.BuildInfo;
import com.m0club.runtime.config.ConfigSummary;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;

/**
 * Creates the process's metrics registry: a fresh {@link PrometheusRegistry} (never the global default, so
 * tests and in-process multi-role runs stay isolated), with JVM metrics and {@code m0_build_info}. Every component
 * receives this registry through its constructor.
 */
public final class Metrics {

    private Metrics() {
    }

    /**
     * A new registry with JVM metrics and {@code m0_build_info{version,git_sha,config_hash,env} 1}, so dashboards
     * can join any series to the code and config that produced it.
     */
    public static PrometheusRegistry newRegistry(BuildInfo build, ConfigSummary config) {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        registerBuildInfo(registry, build, config);
        return registry;
    }

    /** Registers only {@code m0_build_info} (for registries created elsewhere). */
    public static void registerBuildInfo(PrometheusRegistry registry, BuildInfo build, ConfigSummary config) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(build, "build");
        Objects.requireNonNull(config, "config");
        // An Info metric is exposed as "m0_build_info{...} 1" in the Prometheus text format.
        Info info = Info.builder()
                .name("m0_build_info")
                .help("Build and configuration of this process; always 1")
                .labelNames("version", "git_sha", "config_hash", "env")
                .register(registry);
        info.setLabelValues(build.version(), build.gitSha(), config.hash(), config.env());
    }
}
