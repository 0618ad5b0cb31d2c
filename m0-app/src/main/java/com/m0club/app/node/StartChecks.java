package com.m0club.app.node;

import com.m0club.adapter.eventlog.kafka.KafkaBootstrap;
import com.m0club.adapter.eventlog.nats.NatsServers;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.ConfigException;
import com.m0club.runtime.config.ConfigKey;
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.config.Profile;
import com.m0club.runtime.config.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The settings a node refuses before it opens anything: keys whose adapter does not exist in this build, values
 * that would be accepted and then ignored, and roles that cannot run inside a node process. Each problem names the
 * key (and its env var) and says what to do instead, so nothing the operator set is silently dropped.
 *
 * <p>The keys stay in the config schema (so a typo is still caught and the config hash covers them); the adapters
 * that will read them come with the Solana work ({@code redis_url} is read: adapters/m0-view-redis;
 * {@code kafka://} event logs: adapters/m0-eventlog-kafka, {@code nats://} ones: adapters/m0-eventlog-nats, and a
 * malformed Kafka or NATS URL is refused here).
 */
public final class StartChecks {
    private StartChecks() {}

    /**
     * Throws {@link ConfigException} listing every problem when {@code config} asks for something this build cannot
     * do for the roles in {@code roles}; returns normally otherwise.
     */
    public static void requireSupported(Config config, Set<Role> roles) {
        List<String> problems = problems(config, roles);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** The problems {@link #requireSupported} would report, in a fixed order; empty when the config is supported. */
    public static List<String> problems(Config config, Set<Role> roles) {
        List<String> problems = new ArrayList<>();
        config.find(M0Keys.EVENTLOG_URL).ifPresent(url -> {
            switch (eventLogScheme(url)) {
                case "memory" -> {
                    if (!url.equals("memory:")) {
                        problems.add(named(M0Keys.EVENTLOG_URL) + ": the in-process event log is memory: (no"
                                + " location)");
                    }
                }
                case "kafka" -> {
                    try {
                        KafkaBootstrap.parse(url);
                    } catch (IllegalArgumentException e) {
                        problems.add(named(M0Keys.EVENTLOG_URL) + ": " + e.getMessage());
                    }
                }
                case "nats" -> {
                    try {
                        if (NatsServers.parse(url).hasCredentials()) {
                            problems.add(named(M0Keys.EVENTLOG_URL) + ": a NATS event log URL must not carry"
                                    + " credentials (user:password@): eventlog_url is not a secret setting");
                        }
                    } catch (IllegalArgumentException e) {
                        problems.add(named(M0Keys.EVENTLOG_URL) + ": a NATS event log URL is"
                                + " nats://host:port[,host:port]: " + e.getMessage());
                    }
                }
                default -> problems.add(named(M0Keys.EVENTLOG_URL) + ": scheme " + scheme(url) + " is not supported"
                        + " yet; this build has the in-process event log (memory:), Kafka"
                        + " (kafka://host:port[,host:port]) and NATS JetStream (nats://host:port[,host:port])");
            }
        });
        unsupported(config, M0Keys.SOLANA_RPC_URL,
                "this build publishes to the local ledger only; no Solana adapter exists yet (unset it)", problems);
        unsupported(config, M0Keys.SOLANA_WS_URL,
                "this build publishes to the local ledger only; no Solana adapter exists yet (unset it)", problems);
        if (config.profile() != Profile.DEV && roles.contains(Role.SIGNER_AGENT)) {
            problems.add(named(M0Keys.ROLES) + ": signer-agent does not run inside a node outside dev; run each agent"
                    + " as its own program (com.m0club.signer.agent.SignerAgentMain, see m0-signer/README.md) and point signer_endpoints (M0_SIGNER_ENDPOINT) at them");
        }
        return List.copyOf(problems);
    }

    private static void unsupported(Config config, ConfigKey<?> key, String why, List<String> problems) {
        if (config.find(key).isPresent()) {
            problems.add(named(key) + " is not supported yet: " + why);
        }
    }

    private static String named(ConfigKey<?> key) {
        return key.name() + " (" + key.envVar() + ")";
    }

    /**
     * The scheme of an {@code eventlog_url}, lower case, without the colon: {@code memory}, {@code kafka},
     * {@code nats}, ... (the switch of the event log wiring and of {@code m0 eventlog init}).
     */
    public static String eventLogScheme(String url) {
        int colon = url.indexOf(':');
        return (colon < 0 ? url : url.substring(0, colon)).toLowerCase(java.util.Locale.ROOT);
    }

    private static String scheme(String url) {
        int colon = url.indexOf(':');
        return colon < 0 ? "'" + url + "'" : url.substring(0, colon) + ":";
    }
}
