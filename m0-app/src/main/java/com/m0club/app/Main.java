package com.m0club.app;

import com.m0club.adapter.eventlog.kafka.KafkaBootstrap;
import com.m0club.adapter.eventlog.kafka.KafkaTopics;
import com.m0club.adapter.eventlog.nats.NatsServers;
import com.m0club.adapter.eventlog.nats.NatsStreams;
import com.m0club.adapter.eventlog.nats.StreamSettings;
import com.m0club.adapter.source.http.ConnectorsFile;
import com.m0club.api.verify.OfflineVerifier;
import com.m0club.api.verify.VerificationReport;
import com.m0club.app.cli.Args;
import com.m0club.app.node.DatabaseHandle;
import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.app.node.StartChecks;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.runtime.BuildInfo;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.ConfigException;
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.config.Profile;
import com.m0club.runtime.log.Logging;
import com.m0club.runtime.metrics.Metrics;
import com.m0club.signer.keystore.KeyStoreFile;
import com.m0club.store.connector.ConnectorStateStore;
import com.m0club.store.registry.MarketRegistryStore;
import com.m0club.store.registry.MarketsFile;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code m0} program: every role and every operator command. Plain dispatch on the first word; each command
 * reads its own options and refuses unknown ones. Exit codes: 0 success, 1 the command ran and failed (for example
 * a verification failure), 2 bad usage or configuration.
 */
public final class Main {
    private static final String USAGE = """
            m0 - the M0Club predictive oracle

            Usage: m0 <command> [options]

              dev                          run every role in one JVM on embedded defaults (PostgreSQL, signer
                                           agents, local ledger, simulator) with the dashboard on localhost
              run [--roles a,b]            run the given roles (or M0_ROLES) against configured services
              migrate up                   apply database migrations (M0_POSTGRES_URL, or the embedded dev database)
              eventlog init                create the event log's topics (M0_EVENTLOG_URL kafka://, nats://) with
                                           eventlog_partitions, _replication_factor, _retention_hours; idempotent
              registry seed --config FILE [--profile dev]
                                           load markets from a TOML file into the registry
              market pause|resume ID       pause or resume a market in the registry
              connector disable|enable ID [--reason TEXT]
                                           stop or restart a quote connector's quotes in every ingestor
                                           (within ~2 s; runbook 17.2)
              connector list               each connector's state (the connectors file's and the stored ones)
              signer keygen --out FILE     generate a signer agent key file (prints the public key)
              signer tls-init --out DIR [--agents N] [--client-id bundler] [--namespace m0-signer]
                                           create a dev CA, N agent server certificates and the bundler's
                                           client certificate (PEM, keys 0600; never overwrites)
              signer-set register --id N --threshold M --key HEX[,HEX...] [--activate-at MS]
                                           store a signer set (ACTIVE now, or PENDING until MS); staging
                                           and prod refuse a threshold below 2
              signer-set list              every signer set with status, threshold, activation and keys
              signer-set agent-config --id N --out FILE
                                           write the signer config (M0_SIGNER_CONFIG) of a set's agents: the
                                           set and the registry's markets (never overwrites)
              signer-agent run             run one standalone signer agent (M0_SIGNER_* variables; see
                                           m0-signer/README.md); the same as java -jar m0-signer-agent.jar
              signer-agent recover --min-sequence N [--state-dir D --key FILE | --key-source SRC
                                           --signed-marker FILE --signer-set ID]
                                           replace a damaged or lost agent replay journal with one whose floor is N
                                           (the ledger's last accepted sequence of the set); see docs/operations.md
              ledger recover --truncate-at OFFSET [--data-dir DIR]
                                           cut a damaged local ledger journal at OFFSET (the node must be
                                           stopped; see docs/operations.md, Runbook: local ledger journal damaged)
              ledger serve [--data-dir DIR] [--port N] [--host H]
                                           serve the local ledger over HTTP to the processes that set
                                           M0_LEDGER_URL (split topology; port 0 = a free one, printed)
              backtest --quotes Q.jsonl [--resolutions R.jsonl] [--markets FILE] --out DIR
                                           replay a quotes file through the engine stages; outputs.jsonl and,
                                           with resolutions, report.json and report.html (docs/quant.md)
              verify --url URL --market ID check a served value offline: merkle path, bundle hash, signatures
              version                      print version, git SHA and build time

            Configuration: environment variables (M0_ENV, M0_POSTGRES_URL, M0_SIGNER_ENDPOINT, ...) over a TOML file
            (M0_CONFIG_FILE) over built-in defaults. See docs/operations.md.
            """;

    private Main() {}

    public static void main(String[] argv) {
        int code = run(List.of(argv), System.getenv(), System.out, System.err);
        System.exit(code);
    }

    /** Runs one command; returns the exit code (tests call this directly). */
    public static int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err) {
        if (argv.isEmpty() || argv.get(0).equals("help") || argv.get(0).equals("--help")
                || argv.get(0).equals("help-commands")) {
            out.print(USAGE);
            return argv.isEmpty() ? 2 : 0;
        }
        String command = argv.get(0);
        List<String> rest = argv.subList(1, argv.size());
        try {
            return switch (command) {
                case "dev" -> dev(rest, env);
                case "run" -> runRoles(rest, env);
                case "migrate" -> migrate(rest, env, out);
                case "eventlog" -> eventlog(rest, env, out);
                case "registry" -> registry(rest, env, out);
                case "market" -> market(rest, env, out);
                case "connector" -> connector(rest, env, out);
                case "signer" -> signer(rest, out);
                case "signer-agent" -> signerAgent(rest, env, out);
                case "signer-set" -> signerSet(rest, env, out);
                case "verify" -> verify(rest, out);
                case "ledger" -> ledger(rest, env, out);
                case "backtest" -> com.m0club.app.cli.BacktestCommand.run(rest, out, err);
                case "version" -> {
                    BuildInfo b = BuildInfo.load();
                    out.println("m0 " + b.version() + " (git " + b.gitSha() + ", built " + b.buildTime() + ")");
                    yield 0;
                }
                default -> throw new Args.UsageException("unknown command '" + command + "' (m0 help lists them)");
            };
        } catch (Args.UsageException e) {
            err.println("m0: " + e.getMessage());
            return 2;
        } catch (ConfigException e) {
            err.println("m0: invalid configuration:");
            e.problems().forEach(p -> err.println("  - " + p));
            return 2;
        } catch (ProtocolException e) {
            err.println("m0: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RuntimeException e) {
            err.println("m0 " + command + " failed: " + e.getMessage());
            LoggerFactory.getLogger(Main.class).debug("failure", e);
            return 1;
        }
    }

    // ------------------------------------------------------------------ dev / run

    private static int dev(List<String> argv, Map<String, String> env) throws InterruptedException {
        Args args = Args.parse("dev", argv, Set.of());
        Optional<String> dataDir = args.option("data-dir");
        Optional<String> apiPort = args.option("api-port");
        args.rejectUnknown();
        Map<String, String> devEnv = new HashMap<>(env);
        devEnv.putIfAbsent("M0_ENV", "dev");
        dataDir.ifPresent(d -> devEnv.put("M0_DATA_DIR", d));
        apiPort.ifPresent(p -> devEnv.put("M0_API_PORT", p));
        Config config = loadConfig(devEnv);
        if (config.get(M0Keys.ENV) != Profile.DEV) {
            throw new Args.UsageException("dev: M0_ENV is " + config.get(M0Keys.ENV)
                    + "; m0 dev runs the dev profile only (use m0 run for staging and prod)");
        }
        return serve(NodeOptions.fromConfig(config), devEnv);
    }

    private static int runRoles(List<String> argv, Map<String, String> env) throws InterruptedException {
        Args args = Args.parse("run", argv, Set.of());
        Optional<String> roles = args.option("roles");
        args.rejectUnknown();
        Map<String, String> runEnv = new HashMap<>(env);
        roles.ifPresent(r -> runEnv.put("M0_ROLES", r));
        return serve(NodeOptions.fromConfig(loadConfig(runEnv)), runEnv);
    }

    /** Runs the node until the JVM stops, traced as the OTEL_* variables of {@code env} ask (off when none is set). */
    private static int serve(NodeOptions options, Map<String, String> env) throws InterruptedException {
        Logger log = LoggerFactory.getLogger("m0");
        var tracing = com.m0club.runtime.tracing.TracingSetup.fromEnv(env,
                com.m0club.runtime.tracing.TracingSetup.serviceName(options.roles()));
        OracleNode node = OracleNode.start(options, Optional.empty(), tracing);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("m0 stopping");
            node.close();
            stopped.countDown();
        }, "m0-shutdown"));
        if (node.apiPort() > 0) {
            log.info("dashboard: http://127.0.0.1:{}/   API: http://127.0.0.1:{}/v1/markets", node.apiPort(),
                    node.apiPort());
        }
        stopped.await();
        return 0;
    }

    /** Loads and validates configuration, configures logging, and writes the first log line. */
    static Config loadConfig(Map<String, String> env) {
        Config config = M0Keys.load(env, M0Keys.configFile(env));
        Logging.configure(config.get(M0Keys.LOG_FORMAT), config.get(M0Keys.LOG_LEVEL));
        // Helidon logs through java.util.logging: route it into the same (JSON, redacted) log stream
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        Logger log = LoggerFactory.getLogger("m0");
        BuildInfo build = BuildInfo.load();
        log.info("m0 {} git_sha={} config_hash={} env={} roles={}", build.version(), build.gitSha(), config.hash(),
                config.get(M0Keys.ENV).name().toLowerCase(java.util.Locale.ROOT),
                java.util.EnumSet.copyOf(config.get(M0Keys.ROLES)));
        config.warnings().forEach(w -> log.warn("config: {}", w));
        return config;
    }

    // ------------------------------------------------------------------ operator commands

    private static int migrate(List<String> argv, Map<String, String> env, PrintStream out) {
        Args args = Args.parse("migrate", argv, Set.of());
        String sub = args.positional(0, "subcommand (migrate up)");
        args.rejectUnknown();
        if (!sub.equals("up")) {
            throw new Args.UsageException("migrate: unknown subcommand '" + sub + "' (only: up)");
        }
        try (DatabaseHandle db = openDatabase(loadConfig(env))) {
            var m = db.database().migrate();
            out.println("migrations applied: " + m.applied() + "; schema version " + m.schemaVersion().orElse("-"));
        }
        return 0;
    }

    /**
     * {@code m0 eventlog init}: creates the M0 topics on the event log {@code eventlog_url} names, idempotently, and
     * prints one line per topic (created, kept, updated, mismatch, failed); exit 1 when a topic differs in a way init
     * cannot fix or could not be created.
     */
    private static int eventlog(List<String> argv, Map<String, String> env, PrintStream out) {
        Args args = Args.parse("eventlog", argv, Set.of());
        String sub = args.positional(0, "subcommand (eventlog init)");
        args.rejectUnknown();
        if (!sub.equals("init")) {
            throw new Args.UsageException("eventlog: unknown subcommand '" + sub + "' (only: init)");
        }
        Config config = loadConfig(env);
        String url = config.find(M0Keys.EVENTLOG_URL).orElse("memory:");
        String scheme = StartChecks.eventLogScheme(url);
        return switch (scheme) {
            case "memory" -> {
                out.println("eventlog_url is memory: (the in-process event log): it has no topics to create");
                yield 0;
            }
            case "kafka" -> kafkaEventLogInit(url, config, out);
            case "nats" -> natsEventLogInit(url, config, out);
            default -> throw new ConfigException(List.of("eventlog_url (M0_EVENTLOG_URL): scheme " + scheme
                    + ": has no topics this build can create (memory:, kafka://host:port[,host:port],"
                    + " nats://host:port[,host:port])"));
        };
    }

    private static int kafkaEventLogInit(String url, Config config, PrintStream out) {
        KafkaBootstrap bootstrap;
        try {
            bootstrap = KafkaBootstrap.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("eventlog_url (M0_EVENTLOG_URL): " + e.getMessage()));
        }
        var settings = new KafkaTopics.Settings(config.get(M0Keys.EVENTLOG_PARTITIONS),
                config.get(M0Keys.EVENTLOG_REPLICATION_FACTOR),
                Duration.ofHours(config.get(M0Keys.EVENTLOG_RETENTION_HOURS)));
        out.println("kafka " + bootstrap.bootstrapServers() + ": ensuring " + KafkaTopics.M0_TOPICS.size()
                + " topics with " + settings);
        List<KafkaTopics.Report> reports = KafkaTopics.init(bootstrap, settings, Duration.ofSeconds(15));
        reports.forEach(r -> out.println(r.describe()));
        long bad = reports.stream().filter(r -> !r.ok()).count();
        if (bad > 0) {
            out.println("eventlog init: " + bad + " of " + reports.size() + " topics do not match the configuration"
                    + " (see above)");
            return 1;
        }
        return 0;
    }

    /**
     * {@code m0 eventlog init} on NATS JetStream: one stream per topic ({@code M0_<topic>}) with
     * {@code eventlog_partitions} subjects, {@code eventlog_replication_factor} replicas and
     * {@code eventlog_retention_hours} of {@code max_age}; prints one line per topic (created, updated, unchanged,
     * failed); exit 1 when a stream could not be made to match (fewer partitions, a name clash, JetStream refused).
     */
    private static int natsEventLogInit(String url, Config config, PrintStream out) {
        NatsServers servers;
        try {
            servers = NatsServers.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("eventlog_url (M0_EVENTLOG_URL): a NATS event log URL is"
                    + " nats://host:port[,host:port]: " + e.getMessage()));
        }
        if (servers.hasCredentials()) {
            throw new ConfigException(List.of("eventlog_url (M0_EVENTLOG_URL): a NATS event log URL must not carry"
                    + " credentials (user:password@): eventlog_url is not a secret setting"));
        }
        int partitions = config.get(M0Keys.EVENTLOG_PARTITIONS);
        int replicas = config.get(M0Keys.EVENTLOG_REPLICATION_FACTOR);
        long hours = config.get(M0Keys.EVENTLOG_RETENTION_HOURS);
        if (replicas > 5) {
            throw new ConfigException(List.of("eventlog_replication_factor (M0_EVENTLOG_REPLICATION_FACTOR): NATS"
                    + " JetStream keeps at most 5 replicas of a stream, got " + replicas));
        }
        var settings = new StreamSettings("M0", partitions, replicas, Duration.ofHours(hours));
        String what = partitions + " partitions, " + replicas + " replica(s), max age " + hours + " h";
        List<String> topics = NatsStreams.M0_TOPICS;
        out.println("nats " + servers + ": ensuring " + topics.size() + " streams with " + what);
        int bad = 0;
        try (NatsStreams streams = new NatsStreams(url, settings)) {
            for (String topic : topics) {
                try {
                    out.println(streams.ensure(topic) + " (" + what + ")");
                } catch (IllegalStateException e) {
                    out.println(topic + " -> stream " + streams.streamName(topic) + ": failed: " + e.getMessage());
                    bad++;
                }
            }
        }
        if (bad > 0) {
            out.println("eventlog init: " + bad + " of " + topics.size() + " streams do not match the"
                    + " configuration (see above)");
            return 1;
        }
        return 0;
    }

    private static int registry(List<String> argv, Map<String, String> env, PrintStream out) {
        Args args = Args.parse("registry", argv, Set.of());
        String sub = args.positional(0, "subcommand (registry seed)");
        String file = args.required("config", "a markets TOML file, e.g. config/markets.toml");
        Optional<String> profile = args.option("profile");
        args.option("cluster"); // accepted for the seed runbook's wording; the target is the configured database
        args.rejectUnknown();
        if (!sub.equals("seed")) {
            throw new Args.UsageException("registry: unknown subcommand '" + sub + "' (only: seed)");
        }
        Config config = loadConfig(env);
        List<Market> markets = MarketsFile.read(Path.of(file));
        if (profile.map("dev"::equals).orElse(config.get(M0Keys.ENV) == Profile.DEV)) {
            markets = MarketsFile.Overrides.of(config.find(M0Keys.DEV_EPOCH_WINDOW_MS).orElse(60_000L),
                    config.find(M0Keys.DEV_FINALIZATION_DELAY_MS).orElse(10_000L)).apply(markets);
        }
        try (DatabaseHandle db = openDatabase(config)) {
            db.database().migrate();
            var store = new MarketRegistryStore(db.database(), InstantSource.system());
            for (Market m : markets) {
                var r = store.upsert(m);
                out.println(m.id() + ": " + r.change());
            }
        }
        return 0;
    }

    private static int market(List<String> argv, Map<String, String> env, PrintStream out) {
        Args args = Args.parse("market", argv, Set.of());
        String action = args.positional(0, "action (pause|resume)");
        MarketId id = MarketId.of(args.positional(1, "market id"));
        Optional<String> reason = args.option("reason");
        args.rejectUnknown();
        MarketStatus target = switch (action) {
            case "pause" -> MarketStatus.PAUSED;
            case "resume" -> MarketStatus.ACTIVE;
            default -> throw new Args.UsageException("market: unknown action '" + action + "' (pause|resume)");
        };
        try (DatabaseHandle db = openDatabase(loadConfig(env))) {
            var store = new MarketRegistryStore(db.database(), InstantSource.system());
            Market m = store.setStatus(id, target, reason.orElse("operator: m0 market " + action));
            out.println(m.id() + " is " + m.status());
        }
        return 0;
    }

    /** {@code m0 connector disable|enable ID [--reason R]} and {@code m0 connector list} (runbook 17.2). */
    private static int connector(List<String> argv, Map<String, String> env, PrintStream out) {
        Args args = Args.parse("connector", argv, Set.of());
        String action = args.positional(0, "action (disable|enable|list)");
        if (!Set.of("disable", "enable", "list").contains(action)) {
            throw new Args.UsageException("connector: unknown action '" + action + "' (disable|enable|list)");
        }
        Optional<String> id = action.equals("list") ? Optional.empty()
                : Optional.of(args.positional(1, "connector id"));
        Optional<String> reason = action.equals("list") ? Optional.empty() : args.option("reason");
        args.rejectUnknown();
        if (id.isPresent()) {
            try {
                com.m0club.protocol.id.SourceId.validate("connector id", id.get());
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("connector " + action + ": " + e.getMessage());
            }
        }
        Config config = loadConfig(env);
        List<String> configured = configuredConnectors(config, env);
        try (DatabaseHandle db = openDatabase(config)) {
            db.database().migrate();
            var store = new ConnectorStateStore(db.database(), InstantSource.system());
            switch (action) {
                case "disable", "enable" -> {
                    String why = reason.orElse("operator: m0 connector " + action);
                    var state = action.equals("disable") ? store.disable(id.get(), why) : store.enable(id.get(), why);
                    out.println(state.connectorId() + " is " + (state.disabled() ? "DISABLED" : "ENABLED")
                            + "; every ingestor " + (state.disabled() ? "drops its quotes" : "takes its quotes again")
                            + " within ~2 s");
                    if (!configured.isEmpty() && !configured.contains(id.get())) {
                        out.println("note: " + id.get() + " is not in this process's connectors file "
                                + config.get(M0Keys.CONNECTORS_FILE) + " (" + String.join(", ", configured) + ")");
                    }
                }
                default -> {
                    Map<String, ConnectorStateStore.ConnectorState> stored = new java.util.TreeMap<>();
                    store.list().forEach(s -> stored.put(s.connectorId(), s));
                    java.util.TreeSet<String> ids = new java.util.TreeSet<>(configured);
                    ids.addAll(stored.keySet());
                    if (ids.isEmpty()) {
                        out.println("no connectors configured or stored");
                    }
                    for (String c : ids) {
                        var s = stored.get(c);
                        String state = s == null || !s.disabled() ? "enabled" : "DISABLED";
                        String where = configured.contains(c) ? "" : " (not in this connectors file)";
                        out.println(c + "  " + state + (s == null ? "" : "  since "
                                + java.time.Instant.ofEpochMilli(s.changedAtMs()) + "  " + s.reason()) + where);
                    }
                }
            }
        }
        return 0;
    }

    /** The connector ids of {@code connectors_file}, when this process's configuration has one. */
    private static List<String> configuredConnectors(Config config, Map<String, String> env) {
        return config.find(M0Keys.CONNECTORS_FILE).map(file -> ConnectorsFile.read(file, env).stream()
                .map(s -> s.id().value()).toList()).orElse(List.of());
    }

    private static int signer(List<String> argv, PrintStream out) {
        Args args = Args.parse("signer", argv, Set.of());
        String sub = args.positional(0, "subcommand (signer keygen|tls-init)");
        if (sub.equals("tls-init")) {
            return signerTlsInit(args, out);
        }
        String file = args.required("out", "where to write the key file");
        args.rejectUnknown();
        if (!sub.equals("keygen")) {
            throw new Args.UsageException("signer: unknown subcommand '" + sub + "' (keygen, tls-init)");
        }
        out.println(KeyStoreFile.generate(Path.of(file)));
        return 0;
    }

    /** {@code m0 signer tls-init}: the dev PKI of the signer agents' mutual TLS (com.m0club.signer.tls.TlsInit). */
    private static int signerTlsInit(Args args, PrintStream out) {
        String dir = args.required("out", "the directory to write the CA, agent and client files to");
        String agents = args.option("agents").orElse("3");
        String clientId = args.option("client-id").orElse(com.m0club.signer.tls.TlsInit.DEFAULT_CLIENT_ID);
        String namespace = args.option("namespace").orElse(com.m0club.signer.tls.TlsInit.DEFAULT_NAMESPACE);
        args.rejectUnknown();
        int n;
        try {
            n = Integer.parseInt(agents.strip());
        } catch (NumberFormatException e) {
            throw new Args.UsageException("signer tls-init: --agents must be an integer, got '" + agents + "'");
        }
        List<Path> written;
        try {
            written = com.m0club.signer.tls.TlsInit.create(Path.of(dir), n, clientId, namespace);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("signer tls-init: " + e.getMessage());
        }
        written.forEach(p -> out.println("wrote " + p));
        out.println("agents: M0_SIGNER_TLS_CERT_FILE=<dir>/agent-<n>.crt M0_SIGNER_TLS_KEY_FILE=<dir>/agent-<n>.key"
                + " M0_SIGNER_TLS_CA_FILE=<dir>/ca.crt M0_SIGNER_TLS_ALLOWED_CLIENTS=" + clientId);
        out.println("bundler: M0_SIGNER_TLS_CERT_FILE=<dir>/" + clientId + ".crt M0_SIGNER_TLS_KEY_FILE=<dir>/"
                + clientId + ".key M0_SIGNER_TLS_CA_FILE=<dir>/ca.crt");
        return 0;
    }

    /**
     * {@code m0 signer-agent run} (the standalone agent, {@code SignerAgentMain}) and {@code m0 signer-agent
     * recover}, whose defaults come from the standalone agent's M0_SIGNER_* variables.
     */
    private static int signerAgent(List<String> argv, Map<String, String> env, PrintStream out) {
        Args args = Args.parse("signer-agent", argv, Set.of());
        String sub = args.positional(0, "subcommand (signer-agent run|recover)");
        if (sub.equals("run")) {
            args.rejectUnknown();
            return com.m0club.signer.agent.SignerAgentMain.run(env);
        }
        if (!sub.equals("recover")) {
            throw new Args.UsageException("signer-agent: unknown subcommand '" + sub + "' (run, recover)");
        }
        String min = args.required("min-sequence", "the ledger's last accepted sequence for the signer set");
        String stateDir = args.option("state-dir").or(() -> Optional.ofNullable(
                env.get(com.m0club.signer.agent.SignerAgentMain.STATE_DIR))).orElseThrow(() ->
                new Args.UsageException("signer-agent recover: --state-dir (or M0_SIGNER_STATE_DIR) is required"));
        Optional<String> keySource = args.option("key-source").or(() -> Optional.ofNullable(
                env.get(com.m0club.signer.agent.SignerAgentMain.KEY_SOURCE)).filter(s -> !s.isBlank()));
        Optional<String> marker = args.option("signed-marker").or(() -> Optional.ofNullable(
                env.get(com.m0club.signer.agent.SignerAgentMain.SIGNED_MARKER_FILE)).filter(s -> !s.isBlank()));
        String key = args.option("key").or(() -> Optional.ofNullable(
                env.get(com.m0club.signer.agent.SignerAgentMain.KEY_FILE))).or(() -> keySource.map(s -> ""))
                .orElseThrow(() -> new Args.UsageException("signer-agent recover: --key (or M0_SIGNER_KEY_FILE) or"
                        + " --key-source (or M0_SIGNER_KEY_SOURCE) is required"));
        String set = args.option("signer-set").or(() -> Optional.ofNullable(
                env.get(com.m0club.signer.agent.SignerAgentMain.SET_ID))).orElse("1");
        args.rejectUnknown();
        long minSequence;
        long setId;
        try {
            minSequence = Long.parseLong(min.strip());
            setId = Long.parseLong(set.strip());
        } catch (NumberFormatException e) {
            throw new Args.UsageException("signer-agent recover: --min-sequence and --signer-set must be integers, got '"
                    + min + "' and '" + set + "'");
        }
        if (minSequence < 0 || setId < 0) {
            throw new Args.UsageException("signer-agent recover: --min-sequence and --signer-set must be >= 0");
        }
        com.m0club.signer.keystore.KeySource source = key.isEmpty()
                ? com.m0club.signer.keystore.KeySource.parse(keySource.orElseThrow())
                : new com.m0club.signer.keystore.KeySource.File(Path.of(key.strip()));
        Path signedMarker = marker.map(m -> Path.of(m.strip())).orElseGet(() -> switch (source) {
            case com.m0club.signer.keystore.KeySource.File f -> com.m0club.signer.agent.SignerAgent.Builder
                    .signedMarker(f.path());
            case com.m0club.signer.keystore.KeySource.Pkcs11 p -> throw new Args.UsageException("signer-agent"
                    + " recover: --signed-marker (or M0_SIGNER_SIGNED_MARKER_FILE) is required with a pkcs11: key");
        });
        out.print(com.m0club.signer.agent.SignerAgentMain.recover(Path.of(stateDir.strip()), source, signedMarker,
                setId, minSequence));
        return 0;
    }

    /**
     * {@code m0 ledger recover --truncate-at OFFSET}: the explicit recovery of a damaged local ledger journal;
     * {@code m0 ledger serve}: the local ledger over HTTP ({@link com.m0club.app.cli.LedgerServeCommand}).
     */
    private static int ledger(List<String> argv, Map<String, String> env, PrintStream out)
            throws InterruptedException {
        Args args = Args.parse("ledger", argv, Set.of());
        String sub = args.positional(0, "subcommand (ledger recover|serve)");
        if (sub.equals("serve")) {
            return com.m0club.app.cli.LedgerServeCommand.serve(args, env, Main::loadConfig, out);
        }
        if (!sub.equals("recover")) {
            throw new Args.UsageException("ledger: unknown subcommand '" + sub + "' (recover|serve)");
        }
        String at = args.required("truncate-at", "the byte offset the ledger's refusal named");
        Optional<String> dataDir = args.option("data-dir");
        args.rejectUnknown();
        long offset;
        try {
            offset = Long.parseLong(at);
        } catch (NumberFormatException e) {
            throw new Args.UsageException("ledger recover: --truncate-at must be a byte offset, got '" + at + "'");
        }
        Path dir = dataDir.map(Path::of).orElseGet(() -> loadConfig(env).get(M0Keys.DATA_DIR)).resolve("ledger");
        try {
            long dropped = com.m0club.chain.local.LocalLedger.recoverTruncateAt(dir, offset);
            out.println("ledger " + dir + ": cut " + dropped + " bytes at offset " + offset
                    + "; start the node: the reconciler reports every publish record the dropped records backed");
            return 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("ledger recover: " + e.getMessage(), e);
        }
    }

    private static int verify(List<String> argv, PrintStream out) {
        Args args = Args.parse("verify", argv, Set.of());
        String url = args.required("url", "the M0Club API base URL, e.g. http://127.0.0.1:8080");
        MarketId market = MarketId.of(args.required("market", "a market id"));
        args.rejectUnknown();
        VerificationReport report = new OfflineVerifier(HttpClient.newHttpClient(), Duration.ofSeconds(10))
                .verify(URI.create(url), market);
        out.print(report.render());
        return report.verified() ? 0 : 1;
    }

    /** The configured database, or the dev profile's embedded one, opened for one command. */
    /** {@code m0 signer-set register|list|agent-config} ({@link com.m0club.app.cli.SignerSetCommand}). */
    private static int signerSet(List<String> argv, Map<String, String> env, PrintStream out) {
        Config config = loadConfig(env);
        try (DatabaseHandle db = openDatabase(config)) {
            return com.m0club.app.cli.SignerSetCommand.run(argv, new com.m0club.app.cli.SignerSetCommand.Context() {
                @Override
                public com.m0club.store.postgres.Database database() {
                    return db.database();
                }

                @Override
                public com.m0club.runtime.config.Profile profile() {
                    return config.profile();
                }
            }, out);
        }
    }

    private static DatabaseHandle openDatabase(Config config) {
        var registry = Metrics.newRegistry(BuildInfo.load(), M0Keys.summary(config));
        return DatabaseHandle.open(NodeOptions.fromConfig(config), registry);
    }
}
