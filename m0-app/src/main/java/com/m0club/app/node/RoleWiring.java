package com.m0club.app.node;

import com.m0club.adapter.view.redis.RedisReplica;
import com.m0club.adapter.view.redis.RedisView;
import com.m0club.adapter.view.redis.ServedValuePublisher;
import com.m0club.api.rest.ApiServer;
import com.m0club.app.roles.BundlerRole;
import com.m0club.app.roles.EngineRoles;
import com.m0club.app.roles.LeasedServices;
import com.m0club.app.roles.Periodic;
import com.m0club.app.roles.QuoteSources;
import com.m0club.app.roles.SubmitterRole;
import com.m0club.chain.LedgerEvents;
import com.m0club.chain.LedgerReader;
import com.m0club.chain.LedgerWriter;
import com.m0club.engine.aggregate.Aggregator;
import com.m0club.engine.aggregate.AggregatorConfig;
import com.m0club.engine.aggregate.AggregatorMetrics;
import com.m0club.engine.ingest.IngestConfig;
import com.m0club.engine.ingest.IngestMetrics;
import com.m0club.engine.ingest.Ingestor;
import com.m0club.engine.market.MarketLookup;
import com.m0club.engine.quant.QuantMetrics;
import com.m0club.engine.quant.QuantModel;
import com.m0club.engine.quant.SourceWeights;
import com.m0club.engine.source.SourceQuote;
import com.m0club.engine.topic.EngineTopics;
import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.sign.SignerSet;
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
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.lifecycle.Lifecycle;
import com.m0club.runtime.tracing.TraceHeaders;
import com.m0club.runtime.tracing.Tracing;
import com.m0club.signer.client.ThresholdSigner;
import com.m0club.store.connector.ConnectorStateStore;
import com.m0club.store.lease.PostgresLease;
import com.m0club.store.postgres.Database;
import com.m0club.store.sequence.SequenceAllocator;
import com.m0club.view.OracleReadModel;
import com.m0club.view.PublishedFeed;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One wiring function per role. Each function's parameters are what the role needs (the event log, the database,
 * which ledger ports, the signer client, the registry), so reading its signature tells what a process running only
 * that role opens; {@link OracleNode} obtains those from {@link NodeResources}, which opens each on first use. The
 * same functions serve {@code m0 dev}, {@code m0 run --roles} and the tests.
 */
final class RoleWiring {
    /** How often a standby submitter tries the lease, and the holder checks it still holds it. */
    static final Duration SUBMITTER_LEASE_CHECK = Duration.ofSeconds(1);
    /** How often an ingestor with HTTP connectors reads the operator's disabled set ({@code m0 connector disable}). */
    static final Duration CONNECTOR_STATE_POLL = Duration.ofSeconds(2);

    private RoleWiring() {}

    /**
     * A consumer group name unique to this process ({@code <role>-<host>-<pid>}), for a role of which every replica
     * must receive every record.
     */
    static String replicaGroup(String role) {
        String host = System.getenv().getOrDefault("HOSTNAME", "local").toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9._-]", "-");
        return role + "-" + host + "-" + ProcessHandle.current().pid();
    }

    /**
     * What every role's wiring gets: the node's settings, its lifecycle (owner of what it starts), metrics and
     * tracing (off unless the OTEL_* variables turn it on).
     */
    record Context(NodeOptions options, Lifecycle lifecycle, PrometheusRegistry registry, Counter taskErrors,
            Optional<Consumer<SourceQuote>> quoteTap, Tracing tracing) {
        InstantSource clock() {
            return options.clock();
        }
    }

    /**
     * ingestor: the quote source ({@code quote_source}) through the ingestor onto {@code m0.events}, connector health
     * onto {@code m0.source-health}. With the HTTP connectors it also opens the database ({@code database}) and
     * reads the operator's disabled set ({@code connector_state}) at start and every
     * {@link #CONNECTOR_STATE_POLL}.
     */
    static void ingestor(Context ctx, EventLog log, List<Market> markets, Supplier<Database> database) {
        QuoteSources.Selected selected = QuoteSources.select(ctx.options().config(), markets,
                ctx.options().simulatorSeed(), ctx.clock(), ctx.registry(), System.getenv());
        selected.connectors().ifPresent(http -> {
            ConnectorStateStore states = new ConnectorStateStore(database.get(), ctx.clock());
            http.setDisabled(states.disabledIds()); // before the first poll
            ctx.lifecycle().start(new Periodic("connector-state", CONNECTOR_STATE_POLL,
                    () -> http.setDisabled(states.disabledIds()), ctx.taskErrors()));
        });
        Ingestor ingestor = new Ingestor(MarketLookup.of(markets), IngestConfig.DEFAULTS, ctx.clock(),
                new IngestMetrics(ctx.registry()));
        ctx.lifecycle().start(new EngineRoles.IngestRole(selected.source(), ingestor, log, EngineTopics.EVENTS,
                EngineTopics.SOURCE_HEALTH, ctx.clock(), ctx.options().engineTick(), ctx.taskErrors(),
                ctx.quoteTap(), ctx.tracing()));
    }

    /** aggregator: {@code m0.events} to {@code m0.features}, every engine tick. */
    static void aggregator(Context ctx, EventLog log, List<Market> markets) {
        Aggregator aggregator = new Aggregator(MarketLookup.of(markets), AggregatorConfig.DEFAULTS,
                new AggregatorMetrics(ctx.registry()));
        ctx.lifecycle().start(new EngineRoles.AggregateRole(aggregator, markets.stream().map(Market::id).toList(),
                log, EngineTopics.EVENTS, EngineTopics.SOURCE_HEALTH, EngineTopics.FEATURES, ctx.clock(),
                ctx.options().engineTick(), ctx.taskErrors(),
                Duration.ofMillis(AggregatorConfig.DEFAULTS.staleness().longestMs()), ctx.tracing()));
    }

    /** quant: {@code m0.features} to {@code m0.outputs} under the guardrail profile {@code market_tier_policy}. */
    static void quant(Context ctx, EventLog log) {
        QuantModel quant = new QuantModel(OracleNode.quantConfig(ctx.options().config()), SourceWeights.EQUAL,
                ctx.clock(), new QuantMetrics(ctx.registry()));
        ctx.lifecycle().start(new EngineRoles.QuantRole(quant, log, EngineTopics.FEATURES,
                EngineTopics.OUTPUTS, ctx.tracing()));
    }

    /**
     * bundler: closes rounds of {@code m0.outputs}, has the signer set sign them (through {@code signer}), stores them
     * in PostgreSQL and hands references on {@code m0.bundles}.
     */
    static void bundler(Context ctx, EventLog log, Database database, RegistryView registry, SignerSet signerSet,
            ThresholdSigner signer) {
        var jdbc = database.jdbc();
        ctx.lifecycle().start(new BundlerRole(log, EngineTopics.OUTPUTS, PublishTopics.BUNDLES,
                new SequenceAllocator(database, ctx.clock()), new PublishStore(jdbc), new MarketProblemStore(jdbc),
                signer, signerSet.id(), ctx.options().roundLength(), ctx.clock(), ctx.registry(), ctx.taskErrors(),
                registry::isActive, ctx.tracing()));
    }

    /**
     * submitter: commits, reveals and finalizes the referenced bundles on the ledger (writer and reader ports), with
     * the startup commit audit (reader and events), publish retention and the finalization crank.
     */
    static void submitter(Context ctx, EventLog log, Database database, LedgerWriter writer, LedgerReader reader,
            LedgerEvents events) {
        var jdbc = database.jdbc();
        var store = new PublishStore(jdbc);
        Submitter submitter = new Submitter(writer, reader, store, ctx.clock(), new SecureRandom(),
                SubmitterSettings.DEFAULTS, d -> Thread.sleep(d.toMillis()), ctx.registry(), ctx.tracing());
        var audit = new LedgerCommitAudit(reader, events, store, jdbc, ctx.clock(), ctx.registry());
        var role = new SubmitterRole(submitter, new BundleRefResolver(store, ctx.registry()), log,
                PublishTopics.BUNDLES, SubmitterSettings.DEFAULTS.resumeInterval(), audit::run, ctx.registry(),
                ctx.options().config().get(M0Keys.PUBLISH_CONCURRENCY));
        var retention = new PublishRetention(jdbc,
                Duration.ofHours(ctx.options().config().get(M0Keys.PUBLISH_RETENTION_HOURS)), ctx.clock(),
                ctx.registry());
        // Only the lease holder submits: a second replica waits on standby and takes over when the holder dies.
        ctx.lifecycle().start(new LeasedServices(new PostgresLease(database, "submitter", ctx.registry()), List.of(
                role,
                new Periodic("publish-retention", Duration.ofMinutes(5), retention::purge, ctx.taskErrors()),
                new Periodic("finalize-crank", Duration.ofMillis(500), submitter::finalizeDue, ctx.taskErrors())),
                SUBMITTER_LEASE_CHECK));
    }

    /**
     * reconciler: follows the ledger's events (reader and events ports) into publish state, checks publish state
     * against the ledger at start, and announces served values and withdrawals on {@code m0.published} and
     * {@code m0.withdrawn}.
     */
    static void reconciler(Context ctx, EventLog log, Database database, LedgerReader reader, LedgerEvents events,
            PostgresReadModel readModel, PublishedHub announced) {
        var jdbc = database.jdbc();
        Reconciler reconciler = new Reconciler(reader, events, new PublishStore(jdbc), new LedgerViewStore(jdbc),
                readModel, announced, ctx.clock(), ctx.registry(),
                Optional.of(Duration.ofHours(ctx.options().config().get(M0Keys.LEDGER_RETENTION_HOURS))),
                ctx.tracing());
        var lifecycle = ctx.lifecycle();
        lifecycle.own("withdrawals-to-log", announced.subscribeWithdrawals(
                w -> log.publish(PublishTopics.WITHDRAWN, w.marketId().value(), w)));
        reconciler.checkAgainstLedger(); // publish state against the ledger after every restart
        lifecycle.own("published-to-log", announced.subscribe(
                v -> log.publish(PublishTopics.PUBLISHED, v.marketId().value(), v, TraceHeaders.current())));
        lifecycle.start(new Periodic("reconciler", Duration.ofMillis(200), reconciler::drain, ctx.taskErrors()));
    }

    /**
     * api-gateway and realtime: the REST and WebSocket listener over the API's read model, fed with served values and
     * withdrawals from the event log.
     */
    static ApiServer api(Context ctx, EventLog log, PostgresReadModel apiReadModel, PublishedHub served) {
        var lifecycle = ctx.lifecycle();
        // Every replica must see every value: a consumer group of its own (a shared group would split the values
        // between replicas on a shared broker), reading only what is published from now on.
        String group = replicaGroup("realtime");
        // the value's trace context travels beside it, in the record's traceparent header (docs/api.md: trace_id)
        lifecycle.own("log-to-served", log.subscribe(PublishTopics.PUBLISHED, group, SubscribeFrom.LATEST,
                r -> served.publish(r.value().withTraceparent(Optional.ofNullable(
                        r.headers().get(TraceHeaders.TRACEPARENT)).or(() -> r.value().traceparent())))));
        lifecycle.own("log-to-withdrawn", log.subscribe(PublishTopics.WITHDRAWN, group, SubscribeFrom.LATEST,
                r -> served.withdraw(r.value())));
        return apiServer(ctx, apiReadModel, served);
    }

    /**
     * reconciler with {@code redis_url}: every value and withdrawal it announces is also written to Redis and
     * published once on the fan-out channel (from a queue that rides out Redis outages), for every API replica.
     * Subscribed before {@link #reconciler} runs its restart check, so the withdrawals of that check go too.
     */
    static void reconcilerToRedis(Context ctx, RedisView redis, PublishedHub announced) {
        ServedValuePublisher publisher = redis.publisher();
        ctx.lifecycle().own("withdrawals-to-redis", announced.subscribeWithdrawals(publisher::withdraw));
        ctx.lifecycle().own("published-to-redis", announced.subscribe(publisher::publish));
    }

    /**
     * api-gateway and realtime with {@code redis_url}: the listener reads latest values through the Redis cache
     * (PostgreSQL behind it, and instead of it while Redis is unreachable), and {@code served} is fed from the Redis
     * fan-out channel, once per value, with catch-ups from PostgreSQL after every reconnect; not from the event log,
     * whose consumer group would split the values between replicas.
     */
    static ApiServer api(Context ctx, RedisView redis, PostgresReadModel apiReadModel, PublishedHub served) {
        RedisReplica replica = ctx.lifecycle().own("redis-replica",
                redis.replica(apiReadModel, served::publish, served::withdraw));
        return apiServer(ctx, replica.readModel(), served);
    }

    private static ApiServer apiServer(Context ctx, OracleReadModel apiReadModel, PublishedFeed served) {
        var lifecycle = ctx.lifecycle();
        var options = ctx.options();
        var config = options.config();
        var limits = new ApiServer.Limits(config.get(M0Keys.API_MAX_CONNECTIONS),
                config.get(M0Keys.API_MAX_CONCURRENT_REQUESTS),
                Duration.ofMillis(config.get(M0Keys.LISTENER_IDLE_TIMEOUT_MS)),
                Duration.ofMillis(config.get(M0Keys.LISTENER_HEADER_TIMEOUT_MS)));
        ApiServer api = ApiServer.builder().port(options.apiPort()).host(options.dev() ? "127.0.0.1" : "0.0.0.0")
                .limits(limits).clientLimits(OracleNode.clientLimits(config)).readModel(apiReadModel).feed(served)
                .registry(ctx.registry()).clock(ctx.clock()).build().start();
        lifecycle.own("api", api::close);
        return api;
    }
}
