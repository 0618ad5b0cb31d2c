package com.m0club.app.node;

import com.m0club.api.realtime.ClientLimits;
import com.m0club.api.rest.ApiServer;
import com.m0club.app.roles.BundlerRole;
import com.m0club.app.roles.EngineRoles;
import com.m0club.app.roles.Periodic;
import com.m0club.app.roles.QuoteSources;
import com.m0club.app.roles.SubmitterRole;
import com.m0club.chain.Ledger;
import com.m0club.chain.local.LocalLedger;
import com.m0club.engine.aggregate.Aggregator;
import com.m0club.engine.aggregate.AggregatorConfig;
import com.m0club.engine.aggregate.AggregatorMetrics;
import com.m0club.engine.aggregate.FeatureVector;
import com.m0club.engine.ingest.IngestConfig;
import com.m0club.engine.ingest.IngestMetrics;
import com.m0club.engine.ingest.Ingestor;
import com.m0club.engine.ingest.NormalizedEvent;
import com.m0club.engine.market.MarketLookup;
import com.m0club.engine.quant.GuardrailProfile;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.engine.quant.QuantConfig;
import com.m0club.engine.quant.QuantMetrics;
import com.m0club.engine.quant.QuantModel;
import com.m0club.engine.quant.SourceWeights;
import com.m0club.engine.source.QuoteSource;
import com.m0club.engine.source.SourceQuote;
import com.m0club.engine.topic.EngineTopics;
import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.InProcessEventLog;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.eventlog.Topic;
import com.m0club.eventlog.Topics;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.publish.bundle.BundleRef;
import com.m0club.publish.read.PostgresReadModel;
import com.m0club.publish.read.PublishedHub;
import com.m0club.publish.reconcile.LedgerViewStore;
import com.m0club.publish.reconcile.Reconciler;
import com.m0club.publish.store.MarketProblemStore;
import com.m0club.publish.store.PublishRetention;
import com.m0club.publish.store.PublishStore;
import com.m0club.publish.submit.BundleRefResolver;
import com.m0club.publish.submit.LedgerCommitAudit;
import com.m0club.publish.submit.Submitter;
import com.m0club.publish.submit.SubmitterSettings;
import com.m0club.publish.topic.PublishTopics;
import com.m0club.runtime.BuildInfo;
import com.m0club.runtime.admin.AdminServer;
import com.m0club.runtime.admin.CheckResult;
import com.m0club.runtime.admin.ReadinessCheck;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.ConfigSummary;
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.config.Role;
import com.m0club.runtime.metrics.Metrics;
import com.m0club.signer.BearerToken;
import com.m0club.signer.agent.SignerAgent;
import com.m0club.signer.agent.SignerAgentMetrics;
import com.m0club.signer.agent.SignerAgentServer;
import com.m0club.signer.client.ThresholdSigner;
import com.m0club.signer.keystore.KeyStoreFile;
import com.m0club.store.postgres.Database;
import com.m0club.store.registry.MarketRegistryStore;
import com.m0club.store.registry.MarketsFile;
import com.m0club.store.registry.SignerSetStore;
import com.m0club.store.sequence.SequenceAllocator;
import com.m0club.view.ServedValue;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One M0Club process: the roles {@link NodeOptions#roles()} names, wired by constructors in this one place and
 * started in dependency order (database, registry, signer set, ledger, event log, roles, API, admin). Everything
 * started is closed in reverse order by {@link #close()}; a failed start closes what had started and rethrows.
 *
 * <p>In the dev profile the embedded defaults stand in for the production services, all real: an embedded
 * PostgreSQL under {@code <data_dir>/postgres}, n signer agents with keys under {@code <data_dir>/keys} reached over
 * loopback HTTP, the local ledger under {@code <data_dir>/ledger}, the in-process event log and the simulator source
 * (or the {@code quote_source} configured).
 */
public final class OracleNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OracleNode.class);

    static final Topic<NormalizedEvent> EVENTS = EngineTopics.EVENTS;
    static final Topic<FeatureVector> FEATURES = EngineTopics.FEATURES;
    static final Topic<ModelOutput> OUTPUTS = EngineTopics.OUTPUTS;
    /** References to signed bundles (the bundles stay in PostgreSQL), keyed by signer set id. */
    static final Topic<BundleRef> BUNDLES = PublishTopics.BUNDLES;
    static final Topic<ServedValue> PUBLISHED = PublishTopics.PUBLISHED;

    private final NodeOptions options;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final BuildInfo build;
    private final ConfigSummary summary;
    private final PrometheusRegistry registry;
    private final List<ReadinessCheck> checks = new ArrayList<>();
    private Database database;
    private Ledger ledger;
    private ApiServer api;
    private AdminServer admin;
    private RegistryView registryView;
    private SignerSet signerSet;
    private Optional<Consumer<SourceQuote>> quoteTap = Optional.empty();
    /** The dev agents' random per-run token (empty when no dev agents run in this JVM). */
    private Optional<BearerToken> devSignerToken = Optional.empty();

    private OracleNode(NodeOptions options) {
        this.options = options;
        this.build = BuildInfo.load();
        this.summary = M0Keys.summary(options.config());
        this.registry = Metrics.newRegistry(build, summary);
    }

    /** Starts a node; on failure everything already started is closed and the cause rethrown. */
    public static OracleNode start(NodeOptions options) {
        return start(options, Optional.empty());
    }

    /** Starts a node whose ingestor also hands every source quote to {@code quoteTap} (measurements, tests). */
    public static OracleNode start(NodeOptions options, Optional<Consumer<SourceQuote>> quoteTap) {
        StartChecks.requireSupported(options.config(), options.roles());
        OracleNode node = new OracleNode(options);
        node.quoteTap = quoteTap;
        try {
            node.startAll();
            return node;
        } catch (Exception e) {
            node.close();
            throw e instanceof RuntimeException re ? re : new IllegalStateException("m0 failed to start: " + e, e);
        }
    }

    private void startAll() throws Exception {
        long t0 = System.nanoTime();
        Counter taskErrors = Periodic.errorCounter(registry);

        database = openDatabase();
        var clock = options.clock();
        var markets = new MarketRegistryStore(database, clock);
        var signerSets = new SignerSetStore(database, clock);
        if (options.dev()) {
            seedDevRegistry(markets);
        }
        registryView = new RegistryView(markets);

        List<URI> signerEndpoints = options.signerEndpoints();
        if (options.dev()) {
            signerEndpoints = startDevSigners(signerSets);
        } else {
            signerSet = signerSets.get(options.signerSetId()).orElseThrow(() -> new IllegalStateException(
                    "signer_set_id " + options.signerSetId() + " is not registered: insert its row (id, threshold,"
                    + " keys) into the signer_sets table first (there is no m0 command for it yet; m0 dev registers"
                    + " its own set)"));
        }

        ledger = LocalLedger.builder(options.dataDir().resolve("ledger")).clock(clock).registry(registry)
                .maxEventsInMemory(options.config().get(M0Keys.LEDGER_MAX_EVENTS_IN_MEMORY))
                .snapshotEveryRecords(options.config().get(M0Keys.LEDGER_SNAPSHOT_INTERVAL_RECORDS))
                .retentionHours(options.config().get(M0Keys.LEDGER_RETENTION_HOURS)).open();
        own(ledger);
        ledger.registerSignerSet(signerSet);
        for (Market m : registryView.list()) {
            ledger.registerMarket(m);
        }
        checks.add(ReadinessCheck.of("ledger", () -> CheckResult.ok("slot " + ledger.currentSlot())));
        start(new Periodic("registry-refresh", Duration.ofSeconds(1), new RegistryRefresh(registryView, ledger)::run,
                taskErrors));

        // every record goes through its topic's codec, as it would through an out-of-process log
        EventLog log = InProcessEventLog.builder().partitions(8).capacityPerPartition(4096)
                .publishTimeout(Duration.ofSeconds(2)).codecRoundTrip(true).build(registry, clock);
        own(log);

        var jdbc = database.jdbc();
        var publishStore = new PublishStore(jdbc);
        var problems = new MarketProblemStore(jdbc);
        // the reconciler announces served values on m0.published; the realtime role reads them back from the log
        var hubErrors = PublishedHub.errorCounter(registry);
        var reconciled = new PublishedHub(hubErrors, "reconciler");
        var served = new PublishedHub(hubErrors, "realtime");
        var readModel = new PostgresReadModel(jdbc, publishStore, registryView::list, signerSets::get);

        List<Market> simulated = registryView.list().stream()
                .filter(m -> m.status() == MarketStatus.ACTIVE || m.status() == MarketStatus.PAUSED).toList();
        MarketLookup lookup = MarketLookup.of(simulated);

        if (options.runs(Role.INGESTOR)) {
            QuoteSource source = QuoteSources.of(options.config(), simulated, options.simulatorSeed(), clock, registry);
            Ingestor ingestor = new Ingestor(lookup, IngestConfig.DEFAULTS, clock, new IngestMetrics(registry));
            start(new EngineRoles.IngestRole(source, ingestor, log, EVENTS, clock, options.engineTick(), taskErrors,
                    quoteTap));
        }
        if (options.runs(Role.AGGREGATOR)) {
            Aggregator aggregator = new Aggregator(lookup, AggregatorConfig.DEFAULTS,
                    new AggregatorMetrics(registry));
            start(new EngineRoles.AggregateRole(aggregator, simulated.stream().map(Market::id).toList(), log, EVENTS,
                    FEATURES, clock, options.engineTick(), taskErrors));
        }
        if (options.runs(Role.QUANT)) {
            QuantModel quant = new QuantModel(quantConfig(options.config()), SourceWeights.EQUAL, clock,
                    new QuantMetrics(registry));
            start(new EngineRoles.QuantRole(quant, log, FEATURES, OUTPUTS));
        }
        if (options.runs(Role.BUNDLER)) {
            ThresholdSigner signer = ThresholdSigner.builder().signerSet(signerSet).endpoints(signerEndpoints)
                    .requestTimeout(Duration.ofSeconds(5)).deadline(Duration.ofSeconds(10)).registry(registry)
                    .bearerToken(signerToken())
                    .build();
            own(signer::close);
            checks.add(ReadinessCheck.of("signer-quorum", () -> {
                var r = signer.readiness();
                return r.ready() ? CheckResult.ok(r.describe()) : CheckResult.down(r.describe());
            }));
            start(new BundlerRole(log, OUTPUTS, BUNDLES, new SequenceAllocator(database, clock), publishStore,
                    problems, signer, signerSet.id(), options.roundLength(), clock, registry, taskErrors,
                    registryView::isActive));
        }
        if (options.runs(Role.SUBMITTER)) {
            Submitter submitter = new Submitter(ledger, ledger, publishStore, clock, new SecureRandom(),
                    SubmitterSettings.DEFAULTS, d -> Thread.sleep(d.toMillis()), registry);
            var audit = new LedgerCommitAudit(ledger, ledger, publishStore, jdbc, clock, registry);
            start(new SubmitterRole(submitter, new BundleRefResolver(publishStore, registry), log, BUNDLES,
                    SubmitterSettings.DEFAULTS.resumeInterval(), audit::run, registry));
            var retention = new PublishRetention(jdbc,
                    Duration.ofHours(options.config().get(M0Keys.PUBLISH_RETENTION_HOURS)), clock, registry);
            start(new Periodic("publish-retention", Duration.ofMinutes(5), retention::purge, taskErrors));
            start(new Periodic("finalize-crank", Duration.ofMillis(500), submitter::finalizeDue, taskErrors));
        }
        if (options.runs(Role.RECONCILER)) {
            Reconciler reconciler = new Reconciler(ledger, ledger, publishStore, new LedgerViewStore(jdbc), readModel,
                    reconciled, clock, registry,
                    Optional.of(Duration.ofHours(options.config().get(M0Keys.LEDGER_RETENTION_HOURS))));
            own(reconciled.subscribeWithdrawals(w -> log.publish(PublishTopics.WITHDRAWN, w.marketId().value(), w)));
            reconciler.checkAgainstLedger(); // issue 6 item 3: publish state against the ledger after every restart
            own(reconciled.subscribe(v -> log.publish(PUBLISHED, v.marketId().value(), v)));
            start(new Periodic("reconciler", Duration.ofMillis(200), reconciler::drain, taskErrors));
        }
        List<ReadinessCheck> liveness = new ArrayList<>();
        if (options.runsAny(Role.API_GATEWAY, Role.REALTIME)) {
            own(log.subscribe(PUBLISHED, "realtime", SubscribeFrom.LATEST, r -> served.publish(r.value())));
            own(log.subscribe(PublishTopics.WITHDRAWN, "realtime", SubscribeFrom.LATEST,
                    r -> served.withdraw(r.value())));
            api = startApi(readModelForApi(signerSets), served, clock);
            own(api::close);
            liveness.add(apiListenerCheck(api));
        }
        var config = options.config();
        admin = AdminServer.builder().host(options.dev() ? "127.0.0.1" : "0.0.0.0").port(options.adminPort())
                .buildInfo(build).config(summary).registry(registry)
                .limits(config.get(M0Keys.ADMIN_MAX_CONNECTIONS),
                        Duration.ofMillis(config.get(M0Keys.LISTENER_IDLE_TIMEOUT_MS)))
                .headerTimeout(Duration.ofMillis(config.get(M0Keys.LISTENER_HEADER_TIMEOUT_MS)))
                .liveness(liveness)
                .checks(List.copyOf(checks)).build();
        admin.start();
        own(admin);
        LOG.info("m0 started in {} ms: roles={} api={} admin={} data_dir={}", (System.nanoTime() - t0) / 1_000_000,
                java.util.EnumSet.copyOf(options.roles()), api == null ? "-" : "http://127.0.0.1:" + api.port() + "/",
                "http://127.0.0.1:" + admin.port() + "/", options.dataDir());
    }

    /**
     * The API's read model: its own bounded pool ({@code api_db_pool_size}), so API load cannot starve publishing,
     * and signer sets looked up on publishing's pool only once per set (they are cached; sets are never edited).
     */
    private PostgresReadModel readModelForApi(SignerSetStore signerSets) {
        Database.ReadPool reads = database.openReadPool("m0-api-reads",
                options.config().get(M0Keys.API_DB_POOL_SIZE), Duration.ofSeconds(2));
        own(reads);
        return new PostgresReadModel(reads.jdbc(), new PublishStore(reads.jdbc()), registryView::list,
                signerSets::get);
    }

    /** The quant settings under the global guardrail profile {@code market_tier_policy}. */
    static QuantConfig quantConfig(com.m0club.runtime.config.Config config) {
        return GuardrailProfile.valueOf(config.get(M0Keys.MARKET_TIER_POLICY).name()).config();
    }

    /** The liveness check {@code /healthz} runs: the API listener runs and accepts a connection within 1 s. */
    static ReadinessCheck apiListenerCheck(ApiServer api) {
        return ReadinessCheck.of("api-listener", () -> api.listenerProblem(Duration.ofSeconds(1))
                .map(CheckResult::down).orElseGet(() -> CheckResult.ok("accepting")));
    }

    /** The API listener with the configured connection limits and timeouts. */
    private ApiServer startApi(PostgresReadModel model, PublishedHub feed, InstantSource clock) {
        var config = options.config();
        var limits = new ApiServer.Limits(config.get(M0Keys.API_MAX_CONNECTIONS),
                config.get(M0Keys.API_MAX_CONCURRENT_REQUESTS),
                Duration.ofMillis(config.get(M0Keys.LISTENER_IDLE_TIMEOUT_MS)),
                Duration.ofMillis(config.get(M0Keys.LISTENER_HEADER_TIMEOUT_MS)));
        return ApiServer.builder().port(options.apiPort()).host(options.dev() ? "127.0.0.1" : "0.0.0.0")
                .limits(limits).clientLimits(clientLimits(config)).readModel(model).feed(feed).registry(registry)
                .clock(clock).build().start();
    }

    /** WebSocket client limits: {@code ws_max_message_bytes}, {@code ws_message_burst}, {@code ws_messages_per_second}. */
    static ClientLimits clientLimits(Config config) {
        return new ClientLimits(config.get(M0Keys.WS_MAX_MESSAGE_BYTES), config.get(M0Keys.WS_MESSAGE_BURST),
                config.get(M0Keys.WS_MESSAGES_PER_SECOND));
    }

    private Database openDatabase() {
        DatabaseHandle handle = DatabaseHandle.open(options, registry);
        own(handle);
        Database db = handle.database();
        var migration = db.migrate();
        LOG.info("database ready: {} ({} migrations applied, schema version {})", db.describe(), migration.applied(),
                migration.schemaVersion().orElse("-"));
        checks.add(ReadinessCheck.of("postgres", () -> db.ping() ? CheckResult.ok() : CheckResult.down("ping failed")));
        return db;
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
     * require a bearer token like every agent: a random one per run, kept in memory only and given to the node's
     * threshold client ({@link #devSignerToken}).
     */
    private List<URI> startDevSigners(SignerSetStore signerSets) {
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
        Optional<SignerSet> stored = signerSets.get(wanted.id());
        if (stored.isPresent() && !stored.get().keys().equals(wanted.keys())) {
            throw new IllegalStateException("signer set " + wanted.id() + " is registered with other keys than "
                    + options.dataDir().resolve("keys") + " holds; sets are never edited: use another"
                    + " M0_SIGNER_SET_ID or start from a fresh data dir");
        }
        signerSets.insert(wanted);
        signerSet = wanted;
        DevAuditVolume.install(SignerAgentServer.AUDIT_LOGGER);
        SignerAgentMetrics metrics = new SignerAgentMetrics(registry);
        BearerToken token = BearerToken.random();
        devSignerToken = Optional.of(token);
        List<URI> endpoints = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            SignerAgent agent = SignerAgent.builder().key(keys.get(i)).signerSet(wanted)
                    .markets(registryView::find).clock(options.clock())
                    .keyFile(KeyStoreFile.defaultPath(options.dataDir(), i))
                    .stateDir(options.dataDir().resolve("signer").resolve("agent-" + i)).build();
            own(agent);
            SignerAgentServer server = SignerAgentServer.builder(agent).metrics(metrics).host("127.0.0.1").port(0)
                    .bearerToken(token).build().start();
            own(server);
            endpoints.add(server.endpoint());
        }
        LOG.info("{} signer agents up ({}-of-{}, set {}): {}", keys.size(), wanted.threshold(), wanted.size(),
                wanted.id(), endpoints);
        return endpoints;
    }

    /**
     * The token the bundler sends: the dev agents' own, or the file {@code signer_auth_token_file} names. Outside
     * dev a bundler without one fails to start naming the key (every agent refuses unauthenticated callers).
     */
    private Optional<BearerToken> signerToken() {
        if (devSignerToken.isPresent()) {
            return devSignerToken;
        }
        return Optional.of(signerTokenFile(options.config().find(M0Keys.SIGNER_AUTH_TOKEN_FILE)));
    }

    /**
     * The bundler's token outside dev, from {@code signer_auth_token_file}: absent, missing, unreadable or empty
     * fails naming the key (and the file).
     */
    static BearerToken signerTokenFile(Optional<Path> file) {
        if (file.isEmpty()) {
            throw new IllegalStateException("signer_auth_token_file (M0_SIGNER_AUTH_TOKEN_FILE) is required when the"
                    + " bundler runs outside dev: every signer agent refuses callers without the shared token");
        }
        try {
            return BearerToken.fromFile(file.get());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("signer_auth_token_file (M0_SIGNER_AUTH_TOKEN_FILE): " + e.getMessage(),
                    e);
        }
    }

    private void start(com.m0club.runtime.lifecycle.Service service) throws Exception {
        service.start();
        own(service);
    }

    private void own(AutoCloseable resource) {
        started.push(resource);
    }

    public int apiPort() {
        return api == null ? -1 : api.port();
    }

    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public Ledger ledger() {
        return ledger;
    }

    public Database database() {
        return database;
    }

    public SignerSet signerSet() {
        return signerSet;
    }

    public List<SignerKey> signerKeys() {
        return signerSet.keys();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }
}
