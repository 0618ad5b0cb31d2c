package com.m0club.app.node;

import com.m0club.api.realtime.ClientLimits;
import com.m0club.api.rest.ApiServer;
import com.m0club.app.roles.Periodic;
import com.m0club.chain.Ledger;
import com.m0club.engine.quant.GuardrailProfile;
import com.m0club.engine.quant.QuantConfig;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.runtime.BuildInfo;
import com.m0club.runtime.admin.AdminServer;
import com.m0club.runtime.admin.CheckResult;
import com.m0club.runtime.admin.ReadinessCheck;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.ConfigSummary;
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.config.Role;
import com.m0club.runtime.lifecycle.Lifecycle;
import com.m0club.runtime.lifecycle.LifecycleException;
import com.m0club.runtime.metrics.Metrics;
import com.m0club.runtime.tracing.Tracing;
import com.m0club.signer.BearerToken;
import com.m0club.store.postgres.Database;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One M0Club process: the roles {@link NodeOptions#roles()} names, each wired by its function in {@link RoleWiring}
 * (in the order signer agents, ingestor, aggregator, quant, bundler, submitter, reconciler, API), over the
 * infrastructure of {@link NodeResources}, which opens each piece (database, registry, signer set, ledger, event log)
 * on first use: a process opens only what its roles need. The admin listener starts last, with the readiness checks
 * of what was opened. Everything is owned by one {@link Lifecycle} and closed in reverse order by {@link #close()};
 * a failed start closes what had started and rethrows.
 *
 * <p>In the dev profile the embedded defaults stand in for the production services, all real: an embedded
 * PostgreSQL under {@code <data_dir>/postgres}, n signer agents with keys under {@code <data_dir>/keys} reached over
 * loopback HTTP, the local ledger under {@code <data_dir>/ledger}, the in-process event log and the simulator source
 * (or the {@code quote_source} configured).
 */
public final class OracleNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OracleNode.class);

    private final NodeOptions options;
    private final Lifecycle lifecycle = Lifecycle.incremental();
    private final BuildInfo build;
    private final ConfigSummary summary;
    private final PrometheusRegistry registry;
    private final List<ReadinessCheck> checks = new ArrayList<>();
    private final NodeResources resources;
    private final Counter taskErrors;
    private final Tracing tracing;
    private ApiServer api;
    private AdminServer admin;
    private Optional<Consumer<SourceQuote>> quoteTap = Optional.empty();

    private OracleNode(NodeOptions options, Tracing tracing) {
        this.options = options;
        this.build = BuildInfo.load();
        this.summary = M0Keys.summary(options.config());
        this.registry = Metrics.newRegistry(build, summary);
        this.taskErrors = Periodic.errorCounter(registry);
        this.tracing = tracing;
        tracing.registerMetrics(registry);
        lifecycle.own("tracing", tracing); // closed last: flushes the spans of everything closed before it
        this.resources = new NodeResources(options, lifecycle, registry, checks, taskErrors);
    }

    /** Starts a node; on failure everything already started is closed and the cause rethrown. */
    public static OracleNode start(NodeOptions options) {
        return start(options, Optional.empty());
    }

    /** Starts a node whose ingestor also hands every source quote to {@code quoteTap} (measurements, tests). */
    public static OracleNode start(NodeOptions options, Optional<Consumer<SourceQuote>> quoteTap) {
        return start(options, quoteTap, Tracing.off());
    }

    /**
     * Starts a node traced with {@code tracing} ({@link com.m0club.runtime.tracing.TracingSetup#fromEnv} in
     * {@code m0 dev} and {@code m0 run}), which it owns from here on: closing the node flushes and closes it.
     */
    public static OracleNode start(NodeOptions options, Optional<Consumer<SourceQuote>> quoteTap, Tracing tracing) {
        try {
            StartChecks.requireSupported(options.config(), options.roles());
        } catch (RuntimeException e) {
            tracing.close();
            throw e;
        }
        OracleNode node = new OracleNode(options, tracing);
        node.quoteTap = quoteTap;
        try {
            node.startAll();
            return node;
        } catch (LifecycleException e) {
            node.close();
            throw e.getCause() instanceof RuntimeException re ? re : e;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void startAll() {
        long t0 = System.nanoTime();
        var ctx = new RoleWiring.Context(options, lifecycle, registry, taskErrors, quoteTap, tracing);
        var r = resources;
        if (options.runs(Role.SIGNER_AGENT)) {
            r.signerSet(); // dev only (StartChecks): the in-process agents define and serve the set
        }
        if (options.runs(Role.INGESTOR)) {
            RoleWiring.ingestor(ctx, r.eventLog(), r.engineMarkets(), r::database);
        }
        if (options.runs(Role.AGGREGATOR)) {
            RoleWiring.aggregator(ctx, r.eventLog(), r.engineMarkets());
        }
        if (options.runs(Role.QUANT)) {
            RoleWiring.quant(ctx, r.eventLog());
        }
        if (options.runs(Role.BUNDLER)) {
            RoleWiring.bundler(ctx, r.eventLog(), r.database(), r.registryView(), r.signerSet(), r.signerClient());
        }
        if (options.runs(Role.SUBMITTER)) {
            var ledger = r.ledger();
            RoleWiring.submitter(ctx, r.eventLog(), r.database(), ledger, ledger, ledger);
        }
        if (options.runs(Role.RECONCILER)) {
            var ledger = r.ledger();
            r.redis().ifPresent(redis -> RoleWiring.reconcilerToRedis(ctx, redis, r.reconciledHub()));
            RoleWiring.reconciler(ctx, r.eventLog(), r.database(), ledger, ledger, r.readModel(), r.reconciledHub());
        }
        List<ReadinessCheck> liveness = new ArrayList<>();
        if (options.runsAny(Role.API_GATEWAY, Role.REALTIME)) {
            api = r.redis().isPresent() ? RoleWiring.api(ctx, r.redis().get(), r.apiReadModel(), r.servedHub())
                    : RoleWiring.api(ctx, r.eventLog(), r.apiReadModel(), r.servedHub());
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
        lifecycle.own("admin", admin);
        LOG.info("m0 started in {} ms: roles={} api={} admin={} data_dir={} tracing={} opened={}",
                (System.nanoTime() - t0) / 1_000_000, java.util.EnumSet.copyOf(options.roles()),
                api == null ? "-" : "http://127.0.0.1:" + api.port() + "/", "http://127.0.0.1:" + admin.port() + "/",
                options.dataDir(), tracing.describe(), lifecycle.openNames().reversed());
    }

    /** The quant settings under the global guardrail profile {@code market_tier_policy}. */
    static QuantConfig quantConfig(Config config) {
        return GuardrailProfile.valueOf(config.get(M0Keys.MARKET_TIER_POLICY).name()).config();
    }

    /** The liveness check {@code /healthz} runs: the API listener runs and accepts a connection within 1 s. */
    static ReadinessCheck apiListenerCheck(ApiServer api) {
        return ReadinessCheck.of("api-listener", () -> api.listenerProblem(Duration.ofSeconds(1))
                .map(CheckResult::down).orElseGet(() -> CheckResult.ok("accepting")));
    }

    /** WebSocket client limits: {@code ws_max_message_bytes}, {@code ws_message_burst}, {@code ws_messages_per_second}. */
    static ClientLimits clientLimits(Config config) {
        return new ClientLimits(config.get(M0Keys.WS_MAX_MESSAGE_BYTES), config.get(M0Keys.WS_MESSAGE_BURST),
                config.get(M0Keys.WS_MESSAGES_PER_SECOND));
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

    public int apiPort() {
        return api == null ? -1 : api.port();
    }

    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** The ledger, or null when no selected role opened it. */
    public Ledger ledger() {
        return resources.openedLedger().orElse(null);
    }

    /** The database, or null when no selected role opened it. */
    public Database database() {
        return resources.openedDatabase().orElse(null);
    }

    /** The signer set, or null when no selected role needed it. */
    public SignerSet signerSet() {
        return resources.openedSignerSet().orElse(null);
    }

    public List<SignerKey> signerKeys() {
        return signerSet().keys();
    }

    /** What the node holds open, in start order (for operators' logs and for tests of the role wiring). */
    public List<String> opened() {
        return lifecycle.openNames().reversed();
    }

    @Override
    public void close() {
        lifecycle.close();
    }
}
