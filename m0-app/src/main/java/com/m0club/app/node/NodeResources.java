package com.m0club.app.node;

import com.m0club.adapter.eventlog.kafka.KafkaEventLog;
import com.m0club.adapter.eventlog.nats.NatsEventLog;
import com.m0club.adapter.view.redis.PayloadCodec;
import com.m0club.adapter.view.redis.RedisView;
import com.m0club.app.roles.Periodic;
import com.m0club.chain.Ledger;
import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.InProcessEventLog;
import com.m0club.eventlog.Topic;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.publish.read.PostgresReadModel;
import com.m0club.publish.read.PublishedHub;
import com.m0club.publish.store.PublishStore;
import com.m0club.publish.topic.PublishTopics;
import com.m0club.runtime.admin.CheckResult;
import com.m0club.runtime.admin.ReadinessCheck;
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.config.Role;
import com.m0club.runtime.lifecycle.Lifecycle;
import com.m0club.signer.BearerToken;
import com.m0club.signer.agent.SignerAgent;
import com.m0club.signer.agent.SignerAgentMetrics;
import com.m0club.signer.agent.SignerAgentServer;
import com.m0club.signer.client.ThresholdSigner;
import com.m0club.signer.keystore.KeyStoreFile;
import com.m0club.signer.tls.AgentTls;
import com.m0club.signer.tls.ClientIdentities;
import com.m0club.signer.tls.ClientTls;
import com.m0club.signer.tls.TlsInit;
import com.m0club.store.postgres.Database;
import com.m0club.store.registry.MarketRegistryStore;
import com.m0club.store.registry.MarketsFile;
import com.m0club.store.registry.SignerSetStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The infrastructure of one node, each piece opened on first use and owned by the node's {@link Lifecycle}: the
 * database (embedded in dev), the market registry, the signer set (and, in dev with the {@code signer-agent} role,
 * the in-process agents), the threshold client, the ledger, the event log and the published-value hubs. A role's
 * wiring asks for what it needs, so a process opens only what its roles use: a quant-only process opens no database
 * and no ledger, a bundler opens no ledger.
 *
 * <p>Not thread-safe: used by the node's start, on one thread.
 */
final class NodeResources {
    private static final Logger LOG = LoggerFactory.getLogger(NodeResources.class);

    private final NodeOptions options;
    private final Lifecycle lifecycle;
    private final PrometheusRegistry registry;
    private final List<ReadinessCheck> checks;
    private final Counter taskErrors;

    private Database database;
    private RegistryView registryView;
    private SignerSetStore signerSets;
    private SignerSet signerSet;
    private List<URI> signerEndpoints;
    private Optional<BearerToken> devSignerToken = Optional.empty();
    private Optional<ClientTls> devSignerTls = Optional.empty();
    private ThresholdSigner signerClient;
    private Ledger ledger;
    private EventLog eventLog;
    private Counter hubErrors;
    private PublishedHub reconciledHub;
    private PublishedHub servedHub;
    private Optional<RedisView> redis;

    NodeResources(NodeOptions options, Lifecycle lifecycle, PrometheusRegistry registry, List<ReadinessCheck> checks,
            Counter taskErrors) {
        this.options = options;
        this.lifecycle = lifecycle;
        this.registry = registry;
        this.checks = checks;
        this.taskErrors = taskErrors;
    }

    /** The database, migrated, with its readiness check ({@code postgres}). */
    Database database() {
        if (database == null) {
            DatabaseHandle handle = lifecycle.own("database", DatabaseHandle.open(options, registry));
            Database db = handle.database();
            var migration = db.migrate();
            LOG.info("database ready: {} ({} migrations applied, schema version {})", db.describe(),
                    migration.applied(), migration.schemaVersion().orElse("-"));
            checks.add(ReadinessCheck.of("postgres",
                    () -> db.ping() ? CheckResult.ok() : CheckResult.down("ping failed")));
            database = db;
        }
        return database;
    }

    /** The market registry snapshot, refreshed every second (seeded from the markets file in dev). */
    RegistryView registryView() {
        if (registryView == null) {
            var markets = new MarketRegistryStore(database(), options.clock());
            if (options.dev()) {
                seedDevRegistry(markets);
            }
            RegistryView view = new RegistryView(markets);
            lifecycle.start(new Periodic("registry-refresh", Duration.ofSeconds(1), view::refresh, taskErrors));
            registryView = view;
        }
        return registryView;
    }

    /** The markets the engine works on: ACTIVE and PAUSED ones at start. */
    List<Market> engineMarkets() {
        return registryView().list().stream()
                .filter(m -> m.status() == MarketStatus.ACTIVE || m.status() == MarketStatus.PAUSED).toList();
    }

    SignerSetStore signerSets() {
        if (signerSets == null) {
            signerSets = new SignerSetStore(database(), options.clock());
        }
        return signerSets;
    }

    /**
     * The signer set this node publishes with. In dev with the {@code signer-agent} role the node's own agents
     * define it (and start here); otherwise it must be registered in the database.
     */
    SignerSet signerSet() {
        if (signerSet == null) {
            if (options.dev() && options.runs(Role.SIGNER_AGENT)) {
                startDevSigners();
            } else {
                signerSet = signerSets().get(options.signerSetId()).orElseThrow(() -> new IllegalStateException(
                        "signer_set_id " + options.signerSetId() + " is not registered: insert its row (id,"
                        + " threshold, keys) into the signer_sets table first (there is no m0 command for it yet;"
                        + " m0 dev registers its own set)"));
                signerEndpoints = options.signerEndpoints();
            }
        }
        return signerSet;
    }

    /** The threshold client to the signer agents, with its readiness check ({@code signer-quorum}). */
    ThresholdSigner signerClient() {
        if (signerClient == null) {
            SignerSet set = signerSet();
            ThresholdSigner client = ThresholdSigner.builder().signerSet(set).endpoints(signerEndpoints)
                    .requestTimeout(Duration.ofSeconds(5)).deadline(Duration.ofSeconds(10)).registry(registry)
                    .bearerToken(signerToken()).tls(signerTls()).build();
            lifecycle.own("signer-client", client::close);
            checks.add(ReadinessCheck.of("signer-quorum", () -> {
                var r = client.readiness();
                return r.ready() ? CheckResult.ok(r.describe()) : CheckResult.down(r.describe());
            }));
            signerClient = client;
        }
        return signerClient;
    }

    /**
     * The local ledger under {@code <data_dir>/ledger}, or the ledger server at {@code ledger_url} ({@link Ledgers}),
     * with the signer set and every market registered, registry changes carried to it every second, and its readiness
     * check ({@code ledger}, down while a ledger server cannot be reached).
     */
    Ledger ledger() {
        if (ledger == null) {
            Ledger opened = lifecycle.own("ledger", Ledgers.open(options.config(), options.dataDir().resolve("ledger"),
                    options.clock(), registry));
            opened.registerSignerSet(signerSet());
            RegistryView view = registryView();
            for (Market m : view.list()) {
                opened.registerMarket(m);
            }
            checks.add(Ledgers.readiness(opened));
            lifecycle.start(new Periodic("registry-to-ledger", Duration.ofSeconds(1),
                    new RegistryRefresh(view, opened)::run, taskErrors));
            ledger = opened;
        }
        return ledger;
    }

    /**
     * The event log {@code eventlog_url} names, with its readiness check ({@code eventlog}: DOWN while the log cannot
     * reach its storage). {@code memory:} (the default) is the in-process log with {@code eventlog_partitions}
     * partitions: in dev (and so in every end-to-end test) each record goes through its topic's codec, as it would
     * through an out-of-process log, proving the codecs complete; outside dev records are handed over as they are
     * (there is no wire to cross, so the round trip would be wasted work). {@code kafka://host:port[,host:port]} is
     * the Kafka adapter (the topics must exist: {@code m0 eventlog init}); {@code nats://host:port[,host:port]} the
     * NATS JetStream adapter with {@code eventlog_partitions} partitions and stream prefix {@code M0} (the streams must
     * exist: {@code m0 eventlog init}). {@link StartChecks} refused any other scheme before the node opened anything.
     */
    EventLog eventLog() {
        if (eventLog == null) {
            String url = options.config().find(M0Keys.EVENTLOG_URL).orElse("memory:");
            EventLog opened = switch (StartChecks.eventLogScheme(url)) {
                case "memory" -> InProcessEventLog.builder()
                        .partitions(options.config().get(M0Keys.EVENTLOG_PARTITIONS))
                        .capacityPerPartition(4096).publishTimeout(Duration.ofSeconds(2)).codecRoundTrip(options.dev())
                        .build(registry, options.clock());
                case "kafka" -> KafkaEventLog.builder().url(url).clientId("m0").build(registry, options.clock());
                case "nats" -> NatsEventLog.builder().servers(url)
                        .partitions(options.config().get(M0Keys.EVENTLOG_PARTITIONS))
                        .build(registry, options.clock());
                default -> throw new IllegalStateException("eventlog_url (M0_EVENTLOG_URL): scheme "
                        + StartChecks.eventLogScheme(url) + ": is not supported by this build");
            };
            eventLog = lifecycle.own("event-log", opened);
            checks.add(ReadinessCheck.of("eventlog", () -> {
                var status = opened.status();
                return status.reachable() ? CheckResult.ok(status.detail()) : CheckResult.down(status.detail());
            }));
        }
        return eventLog;
    }

    /** The hub the reconciler announces served values and withdrawals on (bridged to the event log). */
    PublishedHub reconciledHub() {
        if (reconciledHub == null) {
            reconciledHub = new PublishedHub(hubErrors(), "reconciler");
        }
        return reconciledHub;
    }

    /** The hub the API and the WebSocket read (fed from the event log). */
    PublishedHub servedHub() {
        if (servedHub == null) {
            servedHub = new PublishedHub(hubErrors(), "realtime");
        }
        return servedHub;
    }

    /**
     * The Redis of {@code redis_url}, when set: the API's latest-value cache and the fan-out of served values (the
     * records in the codecs of {@code m0.published} and {@code m0.withdrawn}), connected in the background, with its
     * readiness check ({@code redis}: DEGRADED, not DOWN, while Redis is unreachable or a replica is catching up,
     * since the API then serves from PostgreSQL). Empty when the key is unset: today's event-log fan-out.
     */
    Optional<RedisView> redis() {
        if (redis == null) {
            redis = options.config().find(M0Keys.REDIS_URL).map(url -> {
                RedisView view = lifecycle.own("redis", RedisView.builder(url).registry(registry)
                        .values(codec(PublishTopics.PUBLISHED)).withdrawals(codec(PublishTopics.WITHDRAWN)).build());
                checks.add(ReadinessCheck.of("redis", () -> {
                    RedisView.Health health = view.health();
                    return health.healthy() ? CheckResult.ok(health.detail()) : CheckResult.degraded(health.detail());
                }));
                return view;
            });
        }
        return redis;
    }

    private static <T> PayloadCodec<T> codec(Topic<T> topic) {
        return new PayloadCodec<>(topic.version(), topic::encode, bytes -> topic.decode(topic.version(), bytes));
    }

    /** The read model on publishing's pool (the reconciler's). */
    PostgresReadModel readModel() {
        var jdbc = database().jdbc();
        return new PostgresReadModel(jdbc, new PublishStore(jdbc), registryView()::list, signerSets()::get);
    }

    /**
     * The API's read model: its own bounded pool ({@code api_db_pool_size}), so API load cannot starve publishing,
     * and signer sets looked up on publishing's pool only once per set (they are cached; sets are never edited).
     */
    PostgresReadModel apiReadModel() {
        Database.ReadPool reads = lifecycle.own("api-read-pool", database().openReadPool("m0-api-reads",
                options.config().get(M0Keys.API_DB_POOL_SIZE), Duration.ofSeconds(2)));
        return new PostgresReadModel(reads.jdbc(), new PublishStore(reads.jdbc()), registryView()::list,
                signerSets()::get);
    }

    /** What is open, for the accessors tests use: empty for what no selected role needed. */
    Optional<Database> openedDatabase() {
        return Optional.ofNullable(database);
    }

    Optional<Ledger> openedLedger() {
        return Optional.ofNullable(ledger);
    }

    Optional<SignerSet> openedSignerSet() {
        return Optional.ofNullable(signerSet);
    }

    private Counter hubErrors() {
        if (hubErrors == null) {
            hubErrors = PublishedHub.errorCounter(registry);
        }
        return hubErrors;
    }

    /**
     * The token the bundler sends: the dev agents' own, or the file {@code signer_auth_token_file} names. Outside
     * dev a bundler without one fails to start naming the key (every agent refuses unauthenticated callers).
     */
    private Optional<BearerToken> signerToken() {
        if (devSignerToken.isPresent()) {
            return devSignerToken;
        }
        return Optional.of(OracleNode.signerTokenFile(options.config().find(M0Keys.SIGNER_AUTH_TOKEN_FILE)));
    }

    /**
     * The bundler's mutual TLS: the dev agents' dev PKI, or the files {@code signer_tls_ca_file},
     * {@code signer_tls_cert_file} and {@code signer_tls_key_file} name. Outside dev a bundler without them, or with
     * a signer endpoint that is not https://, fails to start naming the key.
     */
    private ClientTls signerTls() {
        if (devSignerTls.isPresent()) {
            return devSignerTls.get();
        }
        return signerClientTls(options.config(), signerEndpoints);
    }

    /** The bundler's client TLS outside dev (see {@link #signerTls}); every failure names the key. */
    static ClientTls signerClientTls(com.m0club.runtime.config.Config config, List<URI> signerEndpoints) {
        for (URI e : signerEndpoints) {
            if (!"https".equals(e.getScheme())) {
                throw new IllegalStateException("signer_endpoints (M0_SIGNER_ENDPOINT): " + e + " must be https://"
                        + " (the signer agents serve mutual TLS only)");
            }
        }
        List<String> missing = new ArrayList<>();
        for (var key : List.of(M0Keys.SIGNER_TLS_CA_FILE, M0Keys.SIGNER_TLS_CERT_FILE, M0Keys.SIGNER_TLS_KEY_FILE)) {
            if (config.find(key).isEmpty()) {
                missing.add(key.name() + " (" + key.envVar() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(String.join(", ", missing) + " required when the bundler runs outside"
                    + " dev: the signer agents accept only clients with a certificate of their CA (mutual TLS)");
        }
        try {
            return ClientTls.load(config.get(M0Keys.SIGNER_TLS_CA_FILE), config.get(M0Keys.SIGNER_TLS_CERT_FILE),
                    config.get(M0Keys.SIGNER_TLS_KEY_FILE));
        } catch (RuntimeException e) {
            throw new IllegalStateException("signer_tls_*_file: " + e.getMessage(), e);
        }
    }

    /** Seeds the registry from the markets file with the dev timing overrides (idempotent across restarts). */
    private void seedDevRegistry(MarketRegistryStore markets) {
        List<Market> fromFile = MarketsFile.Overrides.of(options.devEpochWindowMs(), options.devFinalizationDelayMs())
                .apply(MarketsFile.read(options.marketsFile()));
        for (Market m : fromFile) {
            markets.upsert(m);
        }
        LOG.info("registry seeded from {}: {} markets (dev profile: epoch window {} ms, finalization delay {} ms)",
                options.marketsFile(), fromFile.size(), options.devEpochWindowMs(), options.devFinalizationDelayMs());
    }

    /**
     * Starts the dev signer agents in-process, each on its own loopback port with its own key and state. They
     * require what every agent requires: mutual TLS (the dev PKI under {@code <data_dir>/signer-tls}, created on
     * first use) and a bearer token (a random one per run, kept in memory only); both go to the node's threshold
     * client.
     */
    private void startDevSigners() {
        List<SigningKey> keys = new ArrayList<>();
        for (int i = 0; i < options.devSigners(); i++) {
            keys.add(KeyStoreFile.loadOrGenerate(KeyStoreFile.defaultPath(options.dataDir(), i)));
        }
        SignerSet.Builder b = SignerSet.builder().id(options.signerSetId()).threshold(options.devThreshold())
                .status(SignerSetStatus.ACTIVE).activationMs(0);
        keys.forEach(k -> b.key(k.publicKey()));
        if (options.devThreshold() < 2) {
            b.allowSingleSigner();
        }
        SignerSet wanted = b.build();
        Optional<SignerSet> stored = signerSets().get(wanted.id());
        if (stored.isPresent() && !stored.get().keys().equals(wanted.keys())) {
            throw new IllegalStateException("signer set " + wanted.id() + " is registered with other keys than "
                    + options.dataDir().resolve("keys") + " holds; sets are never edited: use another"
                    + " M0_SIGNER_SET_ID or start from a fresh data dir");
        }
        signerSets().insert(wanted);
        DevAuditVolume.install(SignerAgentServer.AUDIT_LOGGER);
        SignerAgentMetrics metrics = new SignerAgentMetrics(registry);
        BearerToken token = BearerToken.random();
        // mutual TLS in dev too: a dev PKI under <data_dir>/signer-tls, issued on first run (m0 signer tls-init)
        TlsInit.Result pki = TlsInit.ensure(options.dataDir().resolve("signer-tls"), keys.size(),
                TlsInit.DEFAULT_CLIENT_ID, TlsInit.DEFAULT_NAMESPACE);
        if (!pki.written().isEmpty()) {
            LOG.info("dev signer TLS: issued {} files under {}", pki.written().size(), pki.layout().dir());
        }
        TlsInit.Layout files = pki.layout();
        ClientIdentities bundler = ClientIdentities.of(TlsInit.DEFAULT_CLIENT_ID);
        RegistryView view = registryView();
        List<URI> endpoints = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            SignerAgent agent = lifecycle.own("signer-agent-" + i, SignerAgent.builder().key(keys.get(i))
                    .signerSet(wanted).markets(view::find).clock(options.clock())
                    .keyFile(KeyStoreFile.defaultPath(options.dataDir(), i))
                    .stateDir(options.dataDir().resolve("signer").resolve("agent-" + i)).build());
            SignerAgentServer server = lifecycle.own("signer-agent-server-" + i, SignerAgentServer.builder(agent)
                    .metrics(metrics).host("127.0.0.1").port(0).bearerToken(token)
                    .tls(AgentTls.load(files.agentCert(i), files.agentKey(i), files.caCert(), bundler))
                    .build().start());
            endpoints.add(server.endpoint());
        }
        LOG.info("{} signer agents up ({}-of-{}, set {}): {}", keys.size(), wanted.threshold(), wanted.size(),
                wanted.id(), endpoints);
        signerSet = wanted;
        signerEndpoints = List.copyOf(endpoints);
        devSignerToken = Optional.of(token);
        devSignerTls = Optional.of(ClientTls.load(files.caCert(), files.clientCert(TlsInit.DEFAULT_CLIENT_ID),
                files.clientKey(TlsInit.DEFAULT_CLIENT_ID)));
    }
}
