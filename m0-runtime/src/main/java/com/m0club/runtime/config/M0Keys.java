package com.m0club.runtime.config;

import com.m0club.runtime.log.LogFormat;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration every M0 process understands (docs/operations.md; seed section 18).
 * Modules with settings of their own build a schema that {@linkplain ConfigSchema.Builder#include includes}
 * {@link #schema()}.
 *
 * <p>Profiles: {@code dev} defaults everything so {@code m0} runs on a laptop with no setup; in {@code staging}
 * and {@code prod}, external dependencies (PostgreSQL, signer agents, signer set, roles) have no defaults and
 * must be set, so a missing setting fails at start-up naming the key instead of falling back to a dev value.
 */
public final class M0Keys {

    /** Env var with the container image digest, reported by {@code /v1/info}; not part of the config hash. */
    public static final String IMAGE_DIGEST_ENV = "M0_IMAGE_DIGEST";

    /** Env var naming the TOML config file, read by {@link #configFile(Map)}. */
    public static final String CONFIG_FILE_ENV = "M0_CONFIG_FILE";

    /** Largest signer set (mirrors {@code SignerSet.MAX_KEYS} in m0-protocol, which this module cannot see). */
    public static final int MAX_SIGNERS = 32;

    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final long DAY_MS = 86_400_000L;

    public static final ConfigKey<Profile> ENV = ConfigKey.builder("env", Profile.type())
            .env("M0_ENV").toml("env")
            .description("deployment profile: " + Profile.ids())
            .defaultValue(Profile.DEV)
            .build();

    public static final ConfigKey<Set<Role>> ROLES = ConfigKey.builder("roles",
                    ValueTypes.enumSet(Role.class, Role::id))
            .env("M0_ROLES").toml("roles")
            .description("comma-separated roles this process runs")
            .defaultIn(Profile.DEV, Collections.unmodifiableSet(EnumSet.allOf(Role.class)))
            .requiredIn(Profile.STAGING, Profile.PROD)
            .rule(roles -> !roles.isEmpty(), "must name at least one role")
            .build();

    public static final ConfigKey<Path> DATA_DIR = ConfigKey.builder("data_dir", ValueTypes.path())
            .env("M0_DATA_DIR").toml("data_dir")
            .description("directory for local state (embedded database, artifacts)")
            .defaultValue(Path.of("./.m0"))
            .build();

    public static final ConfigKey<PostgresUrl> POSTGRES_URL = ConfigKey.builder("postgres_url", PostgresUrl.type())
            .env("M0_POSTGRES_URL").toml("postgres.url")
            .description("PostgreSQL URL (postgresql://user:pass@host:port/db or jdbc:postgresql://...)")
            .requiredIn(Profile.STAGING, Profile.PROD)
            .secret()
            .build();

    public static final ConfigKey<URI> REDIS_URL = ConfigKey.builder("redis_url", ValueTypes.url("redis", "rediss"))
            .env("M0_REDIS_URL").toml("redis.url")
            .description("Redis URL (redis:// or rediss://)")
            .secret()
            .build();

    public static final ConfigKey<String> EVENTLOG_URL = ConfigKey.builder("eventlog_url", ValueTypes.string())
            .env("M0_EVENTLOG_URL").toml("eventlog.url")
            .description("event log: memory: (in-process) or kafka://host:port[,host:port] (Kafka; topics created by"
                    + " m0 eventlog init)")
            .rule(url -> url.equals("memory:") || url.matches("[a-zA-Z][a-zA-Z0-9+.-]*://\\S+"),
                    "must be memory: or scheme://location, e.g. kafka://broker:9092")
            .build();

    public static final ConfigKey<Integer> EVENTLOG_PARTITIONS = ConfigKey.builder("eventlog_partitions",
                    ValueTypes.integer())
            .env("M0_EVENTLOG_PARTITIONS").toml("eventlog.partitions")
            .description("partitions per topic: of the in-process log (memory:), and of the Kafka topics or NATS"
                    + " streams m0 eventlog init creates (an existing topic or stream with fewer gets more)")
            .defaultValue(12)
            .rule(Rule.between(1, 1024))
            .build();

    public static final ConfigKey<Integer> EVENTLOG_REPLICATION_FACTOR = ConfigKey.builder(
                    "eventlog_replication_factor", ValueTypes.integer())
            .env("M0_EVENTLOG_REPLICATION_FACTOR").toml("eventlog.replication_factor")
            .description("replicas of each Kafka topic or NATS stream m0 eventlog init creates (at most the number"
                    + " of brokers or servers; NATS at most 5)")
            .defaultIn(Profile.DEV, 1)
            .defaultIn(Profile.STAGING, 3)
            .defaultIn(Profile.PROD, 3)
            .rule(Rule.between(1, 7))
            .build();

    public static final ConfigKey<Long> EVENTLOG_RETENTION_HOURS = ConfigKey.builder("eventlog_retention_hours",
                    ValueTypes.longInteger())
            .env("M0_EVENTLOG_RETENTION_HOURS").toml("eventlog.retention_hours")
            .description("hours the Kafka topics or NATS streams keep records (retention.ms or max_age, set by m0"
                    + " eventlog init)")
            .defaultValue(168L)
            .rule(Rule.betweenLong(1, 24L * 3650))
            .build();

    public static final ConfigKey<URI> SOLANA_RPC_URL = ConfigKey.builder("solana_rpc_url",
                    ValueTypes.url("http", "https"))
            .env("SOLANA_RPC_URL").toml("solana.rpc_url")
            .description("Solana JSON-RPC endpoint")
            .build();

    public static final ConfigKey<URI> SOLANA_WS_URL = ConfigKey.builder("solana_ws_url", ValueTypes.url("ws", "wss"))
            .env("SOLANA_WS_URL").toml("solana.ws_url")
            .description("Solana pubsub WebSocket endpoint")
            .build();

    public static final ConfigKey<List<URI>> SIGNER_ENDPOINTS = ConfigKey.builder("signer_endpoints",
                    ValueTypes.list(ValueTypes.url("http", "https")))
            .env("M0_SIGNER_ENDPOINT").toml("signer.endpoints")
            .description("comma-separated signer agent base URLs")
            .requiredIn(Profile.STAGING, Profile.PROD)
            .rule(list -> !list.isEmpty(), "must list at least one URL")
            .rule(list -> Set.copyOf(list).size() == list.size(), "must not list a URL twice")
            .build();

    public static final ConfigKey<Long> SIGNER_SET_ID = ConfigKey.builder("signer_set_id", ValueTypes.longInteger())
            .env("M0_SIGNER_SET_ID").toml("signer.set_id")
            .description("active signer set id (u32)")
            .defaultIn(Profile.DEV, 1L)
            .requiredIn(Profile.STAGING, Profile.PROD)
            .rule(new Rule<Long>("must be a u32 (0.." + U32_MAX + ")", id -> id >= 0 && id <= U32_MAX))
            .build();

    public static final ConfigKey<Path> SIGNER_AUTH_TOKEN_FILE = ConfigKey.builder("signer_auth_token_file",
                    ValueTypes.path())
            .env("M0_SIGNER_AUTH_TOKEN_FILE").toml("signer.auth_token_file")
            .description("file with the bearer token the bundler sends to the signer agents (the agents' shared"
                    + " M0_SIGNER_AUTH_TOKEN_FILE); required outside dev when the bundler runs")
            .build();

    public static final ConfigKey<Path> SIGNER_TLS_CA_FILE = ConfigKey.builder("signer_tls_ca_file",
                    ValueTypes.path())
            .env("M0_SIGNER_TLS_CA_FILE").toml("signer.tls_ca_file")
            .description("PEM CA certificate(s) the signer agents' server certificates must chain to; required"
                    + " outside dev when the bundler runs (dev: issued under <data_dir>/signer-tls)")
            .build();

    public static final ConfigKey<Path> SIGNER_TLS_CERT_FILE = ConfigKey.builder("signer_tls_cert_file",
                    ValueTypes.path())
            .env("M0_SIGNER_TLS_CERT_FILE").toml("signer.tls_cert_file")
            .description("PEM client certificate the bundler presents to the signer agents (mutual TLS); required"
                    + " outside dev when the bundler runs")
            .build();

    public static final ConfigKey<Path> SIGNER_TLS_KEY_FILE = ConfigKey.builder("signer_tls_key_file",
                    ValueTypes.path())
            .env("M0_SIGNER_TLS_KEY_FILE").toml("signer.tls_key_file")
            .description("PKCS#8 PEM key of the bundler's client certificate (mode 0600); required outside dev"
                    + " when the bundler runs")
            .build();

    public static final ConfigKey<Integer> PUBLISH_CONCURRENCY = ConfigKey.builder("publish_concurrency",
                    ValueTypes.integer())
            .env("M0_PUBLISH_CONCURRENCY").toml("publish.concurrency")
            .description("bundles the submitter has in flight at once (commits overlap; reveals stay in each signer set's sequence order)")
            .defaultValue(1)
            .rule(Rule.between(1, 64))
            .build();

    public static final ConfigKey<Integer> LEDGER_MAX_EVENTS_IN_MEMORY = ConfigKey.builder(
                    "ledger_max_events_in_memory", ValueTypes.integer())
            .env("M0_LEDGER_MAX_EVENTS_IN_MEMORY").toml("ledger.max_events_in_memory")
            .description("local ledger: events kept in memory for readers by cursor (older cursors get a clear error)")
            .defaultValue(100_000)
            .rule(Rule.between(1_000, 10_000_000))
            .build();

    public static final ConfigKey<Long> LEDGER_SNAPSHOT_INTERVAL_RECORDS = ConfigKey.builder(
                    "ledger_snapshot_interval_records", ValueTypes.longInteger())
            .env("M0_LEDGER_SNAPSHOT_INTERVAL_RECORDS").toml("ledger.snapshot_interval_records")
            .description("local ledger: journal records between two snapshots (each starts a new journal segment;"
                    + " one is also written at clean shutdown)")
            .defaultValue(20_000L)
            .rule(Rule.betweenLong(100, 100_000_000))
            .build();

    public static final ConfigKey<Long> LEDGER_RETENTION_HOURS = ConfigKey.builder("ledger_retention_hours",
                    ValueTypes.longInteger())
            .env("M0_LEDGER_RETENTION_HOURS").toml("ledger.retention_hours")
            .description("local ledger: hours of sealed journal segments and older snapshots kept (the newest two"
                    + " snapshots and the segments after the older one are always kept), and of finalized state kept"
                    + " in each snapshot (older finalized epochs and their bundles are pruned); at least"
                    + " publish_retention_hours")
            .defaultValue(24L)
            .rule(Rule.betweenLong(1, 24L * 3650))
            .build();

    public static final ConfigKey<URI> LEDGER_URL = ConfigKey.builder("ledger_url", ValueTypes.url("http", "https"))
            .env("M0_LEDGER_URL").toml("ledger.url")
            .description("ledger server (m0 ledger serve) this process uses instead of opening its own local ledger:"
                    + " http(s)://host:port; unset = the local ledger under data_dir")
            .build();

    public static final ConfigKey<Path> LEDGER_AUTH_TOKEN_FILE = ConfigKey.builder("ledger_auth_token_file",
                    ValueTypes.path())
            .env("M0_LEDGER_AUTH_TOKEN_FILE").toml("ledger.auth_token_file")
            .description("file with the bearer token of the ledger server: m0 ledger serve requires it on every"
                    + " request, a process with ledger_url sends it")
            .build();

    public static final ConfigKey<MarketTierPolicy> MARKET_TIER_POLICY = ConfigKey.builder("market_tier_policy",
                    ValueTypes.enumOf(MarketTierPolicy.class))
            .env("M0_MARKET_TIER_POLICY").toml("market.tier_policy")
            .description("global guardrail profile: PERMISSIVE|NORMAL|STRICT")
            .defaultValue(MarketTierPolicy.NORMAL)
            .build();

    public static final ConfigKey<Integer> ADMIN_PORT = ConfigKey.builder("admin_port", ValueTypes.integer())
            .env("M0_ADMIN_PORT").toml("admin.port")
            .description("admin listener (/healthz, /readyz, /metrics, /v1/info); 0 = ephemeral")
            .defaultValue(9090)
            .rule(Rule.between(0, 65535))
            .build();

    public static final ConfigKey<Integer> API_PORT = ConfigKey.builder("api_port", ValueTypes.integer())
            .env("M0_API_PORT").toml("api.port")
            .description("public API listener; 0 = ephemeral")
            .defaultValue(8080)
            .rule(Rule.between(0, 65535))
            .build();

    public static final ConfigKey<Integer> API_MAX_CONNECTIONS = ConfigKey.builder("api_max_connections",
                    ValueTypes.integer())
            .env("M0_API_MAX_CONNECTIONS").toml("api.max_connections")
            .description("TCP connections the API listener holds at most; more wait in the accept backlog")
            .defaultValue(2048)
            .rule(Rule.between(1, 1_000_000))
            .build();

    public static final ConfigKey<Integer> API_MAX_CONCURRENT_REQUESTS = ConfigKey.builder(
                    "api_max_concurrent_requests", ValueTypes.integer())
            .env("M0_API_MAX_CONCURRENT_REQUESTS").toml("api.max_concurrent_requests")
            .description("requests the API handles at once over all connections")
            .defaultValue(512)
            .rule(Rule.between(1, 1_000_000))
            .build();

    public static final ConfigKey<Integer> ADMIN_MAX_CONNECTIONS = ConfigKey.builder("admin_max_connections",
                    ValueTypes.integer())
            .env("M0_ADMIN_MAX_CONNECTIONS").toml("admin.max_connections")
            .description("TCP connections the admin listener holds at most")
            .defaultValue(64)
            .rule(Rule.between(1, 100_000))
            .build();

    public static final ConfigKey<Integer> WS_MAX_MESSAGE_BYTES = ConfigKey.builder("ws_max_message_bytes",
                    ValueTypes.integer())
            .env("M0_WS_MAX_MESSAGE_BYTES").toml("ws.max_message_bytes")
            .description("largest message a /v1/stream client may send, fragments counted together; a larger one"
                    + " closes the connection with 1009")
            .defaultValue(64 * 1024)
            .rule(Rule.between(256, 16 * 1024 * 1024))
            .build();

    public static final ConfigKey<Integer> WS_MESSAGES_PER_SECOND = ConfigKey.builder("ws_messages_per_second",
                    ValueTypes.integer())
            .env("M0_WS_MESSAGES_PER_SECOND").toml("ws.messages_per_second")
            .description("sustained messages per second a /v1/stream client may send (token bucket refill); beyond"
                    + " the bucket it gets RATE_LIMITED, then close 1008")
            .defaultValue(2)
            .rule(Rule.between(1, 10_000))
            .build();

    public static final ConfigKey<Integer> WS_MESSAGE_BURST = ConfigKey.builder("ws_message_burst",
                    ValueTypes.integer())
            .env("M0_WS_MESSAGE_BURST").toml("ws.message_burst")
            .description("messages a /v1/stream client may send at once (token bucket size)")
            .defaultValue(10)
            .rule(Rule.between(1, 100_000))
            .build();

    public static final ConfigKey<Long> LISTENER_HEADER_TIMEOUT_MS = ConfigKey.builder("listener_header_timeout_ms",
                    ValueTypes.longInteger())
            .env("M0_LISTENER_HEADER_TIMEOUT_MS").toml("listener.header_timeout_ms")
            .description("API and admin listeners answer 408 and close a connection whose request line and headers"
                    + " are not complete this long after their first byte, in ms")
            .defaultValue(10_000L)
            .rule(Rule.betweenLong(100, 600_000))
            .build();

    public static final ConfigKey<Long> LISTENER_IDLE_TIMEOUT_MS = ConfigKey.builder("listener_idle_timeout_ms",
                    ValueTypes.longInteger())
            .env("M0_LISTENER_IDLE_TIMEOUT_MS").toml("listener.idle_timeout_ms")
            .description("API and admin listeners close a connection idle (or stalled in its request line) this long,"
                    + " in ms")
            .defaultValue(60_000L)
            .rule(Rule.betweenLong(100, DAY_MS))
            .build();

    public static final ConfigKey<Integer> API_DB_POOL_SIZE = ConfigKey.builder("api_db_pool_size",
                    ValueTypes.integer())
            .env("M0_API_DB_POOL_SIZE").toml("api.db_pool_size")
            .description("PostgreSQL connections of the API's own read pool (apart from publishing's pool)")
            .defaultValue(4)
            .rule(Rule.between(1, 100))
            .build();

    public static final ConfigKey<Path> MARKETS_FILE = ConfigKey.builder("markets_file", ValueTypes.path())
            .env("M0_MARKETS_FILE").toml("markets_file")
            .description("market registry TOML")
            .defaultValue(Path.of("config/markets.toml"))
            .build();

    public static final ConfigKey<LogFormat> LOG_FORMAT = ConfigKey.builder("log_format",
                    ValueTypes.enumOf(LogFormat.class, LogFormat::id))
            .env("M0_LOG_FORMAT").toml("log.format")
            .description("json|text")
            .defaultValue(LogFormat.JSON)
            .build();

    public static final ConfigKey<String> LOG_LEVEL = ConfigKey.builder("log_level",
                    ValueTypes.oneOf("trace", "debug", "info", "warn", "error"))
            .env("M0_LOG_LEVEL").toml("log.level")
            .description("root log level")
            .defaultValue("info")
            .build();

    public static final ConfigKey<Long> DEV_EPOCH_WINDOW_MS = ConfigKey.builder("dev_epoch_window_ms",
                    ValueTypes.longInteger())
            .env("M0_DEV_EPOCH_WINDOW_MS").toml("dev.epoch_window_ms")
            .description("dev: epoch length in ms")
            .defaultIn(Profile.DEV, 60_000L)
            .rule(Rule.betweenLong(1, DAY_MS))
            .build();

    public static final ConfigKey<Long> DEV_FINALIZATION_DELAY_MS = ConfigKey.builder("dev_finalization_delay_ms",
                    ValueTypes.longInteger())
            .env("M0_DEV_FINALIZATION_DELAY_MS").toml("dev.finalization_delay_ms")
            .description("dev: delay after an epoch closes before it is finalized, in ms")
            .defaultIn(Profile.DEV, 10_000L)
            .rule(Rule.betweenLong(0, DAY_MS))
            .build();

    public static final ConfigKey<Integer> DEV_SIGNER_COUNT = ConfigKey.builder("dev_signer_count",
                    ValueTypes.integer())
            .env("M0_DEV_SIGNER_COUNT").toml("dev.signer_count")
            .description("dev: in-process signer agents (n of m-of-n)")
            .defaultIn(Profile.DEV, 3)
            .rule(Rule.between(1, MAX_SIGNERS))
            .build();

    public static final ConfigKey<Integer> DEV_SIGNER_THRESHOLD = ConfigKey.builder("dev_signer_threshold",
                    ValueTypes.integer())
            .env("M0_DEV_SIGNER_THRESHOLD").toml("dev.signer_threshold")
            .description("dev: signatures required (m of m-of-n)")
            .defaultIn(Profile.DEV, 2)
            .rule(Rule.between(1, MAX_SIGNERS))
            .build();

    public static final ConfigKey<QuoteSourceSetting> QUOTE_SOURCE = ConfigKey.builder("quote_source",
                    QuoteSourceSetting.type())
            .env("M0_QUOTE_SOURCE").toml("ingest.quote_source")
            .description("where the ingestor takes quotes from: simulator (the dev default), jsonl:<path> (replay a"
                    + " quotes file), connectors (the HTTP connectors of connectors_file) or a comma list of them; no"
                    + " default outside dev, so an ingestor without it fails at start")
            .defaultIn(Profile.DEV, new QuoteSourceSetting.Simulator())
            .build();

    public static final ConfigKey<Path> CONNECTORS_FILE = ConfigKey.builder("connectors_file", ValueTypes.path())
            .env("M0_CONNECTORS_FILE").toml("ingest.connectors_file")
            .description("the HTTP connectors' TOML file (adapters/m0-source-http/README.md), read when quote_source"
                    + " lists connectors")
            .build();

    /** Publish history older than this is purged (final bundles only; each market's latest value is kept). */
    public static final ConfigKey<Long> PUBLISH_RETENTION_HOURS = ConfigKey.builder("publish_retention_hours",
                    ValueTypes.longInteger())
            .env("M0_PUBLISH_RETENTION_HOURS").toml("publish.retention_hours")
            .description("hours of final publish history (bundles, items, ledger view) kept in PostgreSQL")
            .defaultValue(24L)
            .rule(Rule.betweenLong(1, 24L * 3650))
            .build();

    private static final ConfigSchema SCHEMA = ConfigSchema.builder(ENV)
            .keys(ROLES, DATA_DIR, POSTGRES_URL, REDIS_URL, EVENTLOG_URL, SOLANA_RPC_URL, SOLANA_WS_URL,
                    SIGNER_ENDPOINTS, SIGNER_SET_ID, PUBLISH_CONCURRENCY, MARKET_TIER_POLICY, ADMIN_PORT, API_PORT,
                    MARKETS_FILE, LOG_FORMAT, LOG_LEVEL, DEV_EPOCH_WINDOW_MS, DEV_FINALIZATION_DELAY_MS,
                    DEV_SIGNER_COUNT, DEV_SIGNER_THRESHOLD, PUBLISH_RETENTION_HOURS,
                    LEDGER_MAX_EVENTS_IN_MEMORY, SIGNER_AUTH_TOKEN_FILE)
            .keys(API_MAX_CONNECTIONS, API_MAX_CONCURRENT_REQUESTS, ADMIN_MAX_CONNECTIONS, LISTENER_IDLE_TIMEOUT_MS,
                    API_DB_POOL_SIZE)
            .keys(LEDGER_SNAPSHOT_INTERVAL_RECORDS, LEDGER_RETENTION_HOURS, LISTENER_HEADER_TIMEOUT_MS)
            .keys(QUOTE_SOURCE, CONNECTORS_FILE)
            .keys(SIGNER_TLS_CA_FILE, SIGNER_TLS_CERT_FILE, SIGNER_TLS_KEY_FILE)
            .keys(WS_MAX_MESSAGE_BYTES, WS_MESSAGES_PER_SECOND, WS_MESSAGE_BURST)
            .keys(EVENTLOG_PARTITIONS, EVENTLOG_REPLICATION_FACTOR, EVENTLOG_RETENTION_HOURS)
            .keys(LEDGER_URL, LEDGER_AUTH_TOKEN_FILE)
            .constraint("dev_signer_threshold must not exceed dev_signer_count",
                    config -> config.get(DEV_SIGNER_THRESHOLD) <= config.get(DEV_SIGNER_COUNT),
                    DEV_SIGNER_THRESHOLD, DEV_SIGNER_COUNT)
            .constraint("ledger_retention_hours must be at least publish_retention_hours (the restart check compares"
                    + " every publish record with the ledger, so the ledger must not prune a bundle PostgreSQL still"
                    + " holds)", config -> config.get(LEDGER_RETENTION_HOURS) >= config.get(PUBLISH_RETENTION_HOURS),
                    LEDGER_RETENTION_HOURS, PUBLISH_RETENTION_HOURS)
            .constraint("connectors in quote_source needs connectors_file (M0_CONNECTORS_FILE), the connectors' file",
                    config -> !config.get(QUOTE_SOURCE).usesConnectors() || config.find(CONNECTORS_FILE).isPresent(),
                    QUOTE_SOURCE)
            .constraint("connectors_file is read only when quote_source lists connectors (add connectors to"
                    + " M0_QUOTE_SOURCE, or unset it)", config -> config.find(QUOTE_SOURCE)
                    .map(QuoteSourceSetting::usesConnectors).orElse(false), CONNECTORS_FILE)
            .knownEnv(IMAGE_DIGEST_ENV, CONFIG_FILE_ENV)
            .warnUnknownEnv("M0_")
            // the standard OpenTelemetry variables the tracing setup reads (not config keys; docs/operations.md)
            .knownEnv(com.m0club.runtime.tracing.TracingSetup.ENV_VARS.toArray(String[]::new))
            .warnUnknownEnv("OTEL_")
            .build();

    private M0Keys() {
    }

    /** The M0 schema. */
    public static ConfigSchema schema() {
        return SCHEMA;
    }

    /** {@link ConfigLoader#load} with {@link #schema()}. */
    public static Config load(Map<String, String> env, Optional<Path> tomlFile) {
        return ConfigLoader.load(SCHEMA, env, tomlFile);
    }

    /** The TOML file named by {@value #CONFIG_FILE_ENV}, if set and non-empty. */
    public static Optional<Path> configFile(Map<String, String> env) {
        return Optional.ofNullable(env.get(CONFIG_FILE_ENV)).filter(s -> !s.isBlank()).map(s -> Path.of(s.strip()));
    }

    /** The container image digest from {@value #IMAGE_DIGEST_ENV}, if set and non-empty. */
    public static Optional<String> imageDigest(Map<String, String> env) {
        return Optional.ofNullable(env.get(IMAGE_DIGEST_ENV)).map(String::strip).filter(s -> !s.isEmpty());
    }

    /** Hash, profile and roles of a config loaded with a schema that includes this one. */
    public static ConfigSummary summary(Config config) {
        List<String> roles = config.find(ROLES)
                .map(set -> set.stream().sorted().map(Role::id).toList())
                .orElse(List.of());
        return new ConfigSummary(config.hash(), config.profile().id(), roles);
    }
}
