package com.m0club.signer.agent;

import com.m0club.signer.BearerToken;
import com.m0club.signer.guard.ReplayGuard;
import com.m0club.signer.guard.ReplayGuardException;
import com.m0club.signer.keystore.AgentKey;
import com.m0club.signer.keystore.KeyFileException;
import com.m0club.signer.keystore.KeySource;
import com.m0club.signer.keystore.KeySourceException;
import com.m0club.signer.tls.AgentTls;
import com.m0club.signer.tls.TlsFileException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone signer agent program: one key (a key file or a PKCS#11 token), one state dir, one mutual-TLS port
 * for the sign API and one plain-HTTP admin port for probes and metrics; no Kafka, no database, no ledger. Its
 * configuration is {@link AgentConfig} (environment variables; the table is in m0-signer/README.md).
 *
 * <p>{@code java -jar m0-signer-agent.jar [run]} or {@code m0 signer-agent run}. Invalid configuration exits with
 * status 2 and a message naming the variable or key. The mutual-TLS listener serves {@code /v1/sign},
 * {@code /v1/key} and {@code /healthz}; the admin listener {@code /healthz}, {@code /readyz} (key loaded, journal
 * writable, markets loaded) and {@code /metrics}. The markets file is reloaded when it changes
 * ({@link ReloadingMarkets}).
 */
public final class SignerAgentMain {
    public static final String KEY_FILE = "M0_SIGNER_KEY_FILE";
    public static final String KEY_SOURCE = "M0_SIGNER_KEY_SOURCE";
    public static final String SIGNED_MARKER_FILE = "M0_SIGNER_SIGNED_MARKER_FILE";
    public static final String STATE_DIR = "M0_SIGNER_STATE_DIR";
    public static final String SET_ID = "M0_SIGNER_SET_ID";
    public static final String CONFIG = "M0_SIGNER_CONFIG";
    public static final String MARKETS_FILE = "M0_SIGNER_MARKETS_FILE";
    public static final String MARKETS_RELOAD_MS = "M0_SIGNER_MARKETS_RELOAD_MS";
    public static final String PORT = "M0_SIGNER_PORT";
    public static final String HOST = "M0_SIGNER_HOST";
    public static final String ADMIN_PORT = "M0_SIGNER_ADMIN_PORT";
    public static final String ADMIN_HOST = "M0_SIGNER_ADMIN_HOST";
    public static final String TLS_CERT_FILE = "M0_SIGNER_TLS_CERT_FILE";
    public static final String TLS_KEY_FILE = "M0_SIGNER_TLS_KEY_FILE";
    public static final String TLS_CA_FILE = "M0_SIGNER_TLS_CA_FILE";
    public static final String TLS_ALLOWED_CLIENTS = "M0_SIGNER_TLS_ALLOWED_CLIENTS";
    public static final String AUTH_TOKEN_FILE = "M0_SIGNER_AUTH_TOKEN_FILE";
    public static final String MAX_CLOCK_SKEW_MS = "M0_SIGNER_MAX_CLOCK_SKEW_MS";
    public static final String MAX_SEQUENCE_GAP = "M0_SIGNER_MAX_SEQUENCE_GAP";
    public static final String MAX_CONNECTIONS = "M0_SIGNER_MAX_CONNECTIONS";
    public static final String IDLE_TIMEOUT_MS = "M0_SIGNER_IDLE_TIMEOUT_MS";
    public static final String HEADER_TIMEOUT_MS = "M0_SIGNER_HEADER_TIMEOUT_MS";
    public static final String ENV = "M0_ENV";
    public static final String DEFAULT_HOST = AgentConfig.DEFAULT_HOST;
    public static final String DEV_TOKEN_FILE = "agent.token";
    public static final int DEFAULT_PORT = AgentConfig.DEFAULT_PORT;

    private SignerAgentMain() {}

    /** A started agent: its key, markets, agent, TLS server and admin server; closing stops them in reverse. */
    public record Running(AgentKey key, ReloadingMarkets markets, SignerAgent agent, SignerAgentServer server,
            AgentAdminServer admin) implements AutoCloseable {
        @Override
        public void close() {
            try {
                admin.close();
                server.close();
            } finally {
                try {
                    markets.close();
                    agent.close();
                } finally {
                    key.close();
                }
            }
        }
    }

    /** {@code [run]}: starts the agent from the environment and runs until SIGTERM. */
    public static void main(String[] args) {
        if (args.length > 1 || (args.length == 1 && !args[0].equals("run"))) {
            System.err.println("usage: java -jar m0-signer-agent.jar [run]   (configuration: M0_SIGNER_* variables,"
                    + " see m0-signer/README.md)");
            System.exit(2);
            return;
        }
        System.exit(run(System.getenv()));
    }

    /** Starts from {@code env} and blocks until the JVM shuts down; returns the exit code (2: configuration). */
    public static int run(Map<String, String> env) {
        Running running;
        try {
            running = start(env, InstantSource.system(), new PrometheusRegistry());
        } catch (AgentConfigException | KeyFileException | KeySourceException | ReplayGuardException
                | TlsFileException e) {
            System.err.println("m0 signer-agent: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "m0-signer-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Reads {@code env} ({@link AgentConfig}), loads the key, config, markets, TLS and journal, and starts. */
    public static Running start(Map<String, String> env, InstantSource clock, PrometheusRegistry registry) {
        Logger log = LoggerFactory.getLogger(SignerAgentMain.class);
        AgentConfig cfg = AgentConfig.fromEnv(env);
        BearerToken token;
        try {
            if (cfg.tokenFile().isPresent()) {
                token = BearerToken.fromFile(cfg.tokenFile().get());
            } else if (cfg.dev()) {
                Path generated = cfg.stateDir().resolve(DEV_TOKEN_FILE);
                token = BearerToken.loadOrGenerate(generated);
                log.info("signer agent: M0_ENV=dev and no {}: callers must present the token in {}", AUTH_TOKEN_FILE,
                        generated);
            } else {
                throw new AgentConfigException(AUTH_TOKEN_FILE + " is required outside M0_ENV=dev: the agent never "
                        + "signs for an unauthenticated caller (create a token file of at least "
                        + BearerToken.MIN_LENGTH + " characters, mode 0600)");
            }
        } catch (IllegalArgumentException e) {
            throw new AgentConfigException(AUTH_TOKEN_FILE + ": " + e.getMessage(), e);
        }
        SignerConfigFile config;
        if (cfg.marketsInSignerConfig()) {
            config = SignerConfigFile.load(cfg.signerConfigFile());
        } else {
            config = new SignerConfigFile(SignerConfigFile.parseSignerSet(
                    SignerConfigFile.readJson(cfg.signerConfigFile()), cfg.signerConfigFile().toString()), List.of());
        }
        if (config.signerSet().id() != cfg.signerSetId()) {
            throw new AgentConfigException(SET_ID + " is " + cfg.signerSetId() + " but the config file's"
                    + " signer_set.id is " + config.signerSet().id());
        }
        AgentTls tls = AgentTls.load(cfg.tlsCertFile(), cfg.tlsKeyFile(), cfg.tlsCaFile(), cfg.allowedClients());
        AgentKey key = cfg.keySource().open();
        ReloadingMarkets markets = null;
        SignerAgent agent = null;
        SignerAgentServer server = null;
        try {
            if (!config.signerSet().contains(key.publicKey())) {
                throw new AgentConfigException("the key (" + key.describe() + ", public key "
                        + key.publicKey().toHex() + ") is not a member of signer set " + cfg.signerSetId()
                        + " in the config file");
            }
            markets = ReloadingMarkets.load(cfg.marketsFile(), cfg.marketsInSignerConfig()
                    ? Optional.of(config.signerSet()) : Optional.empty(), registry);
            agent = SignerAgent.builder()
                    .key(key)
                    .signerSet(config.signerSet())
                    .markets(markets)
                    .clock(clock)
                    .stateDir(cfg.stateDir())
                    .signedMarkerFile(cfg.signedMarker())
                    .maxClockSkewMs(cfg.maxClockSkewMs())
                    .maxSequenceGap(cfg.maxSequenceGap())
                    .build();
            ReplayGuard.Recovery rec = agent.guard().recovery();
            log.info("signer agent: key {} ({}), signer set {} ({}-of-{}), {} markets from {} (checked every {} ms),"
                            + " journal {} records read, {} bytes of torn tail truncated, high-water mark {}; TLS: {}",
                    key.publicKey().toHex(), key.describe(), cfg.signerSetId(), config.signerSet().threshold(),
                    config.signerSet().size(), markets.size(), cfg.marketsFile(), cfg.marketsReload().toMillis(),
                    rec.recordsRead(), rec.bytesTruncated(), agent.guard().highWaterMark(cfg.signerSetId()),
                    tls.describe());
            server = SignerAgentServer.builder(agent)
                    .registry(registry)
                    .tls(tls)
                    .bearerToken(token)
                    .host(cfg.host())
                    .port(cfg.port())
                    .limits(cfg.maxConnections(), cfg.idleTimeout())
                    .headerTimeout(cfg.headerTimeout())
                    .build()
                    .start();
            SignerAgent started = agent;
            ReloadingMarkets watched = markets;
            AgentAdminServer admin = new AgentAdminServer(cfg.adminHost(), cfg.adminPort(), registry, List.of(
                    new AgentAdminServer.Check("key", () -> Optional.empty()), // loaded, or the agent would not run
                    new AgentAdminServer.Check("journal", () -> started.guard().failure()
                            .or(() -> Files.isWritable(cfg.stateDir()) ? Optional.empty()
                                    : Optional.of("state dir " + cfg.stateDir() + " is not writable"))),
                    new AgentAdminServer.Check("markets", () -> watched.size() > 0 ? Optional.empty()
                            : Optional.of("no markets loaded from " + watched.file())))).start();
            markets.watch(cfg.marketsReload());
            return new Running(key, markets, agent, server, admin);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (agent != null) {
                agent.close();
            }
            if (markets != null) {
                markets.close();
            }
            key.close();
            throw e;
        }
    }

    /**
     * {@code m0 signer-agent recover}: replaces the agent's replay journal (damaged or lost) with a new one bound to
     * the key in {@code keyFile} whose floor for {@code signerSetId} is {@code minSequence}; the agent then refuses
     * every sequence {@code <= minSequence} of that set. The old files are moved aside, never deleted. The agent must
     * be stopped (its state dir lock is taken). Returns a human-readable report.
     *
     * @param minSequence the ledger's last accepted sequence for the set (see the runbook in docs/operations.md)
     */
    public static String recover(Path stateDir, Path keyFile, long signerSetId, long minSequence) {
        return recover(stateDir, new KeySource.File(keyFile), SignerAgent.Builder.signedMarker(keyFile), signerSetId,
                minSequence);
    }

    /**
     * {@link #recover(Path, Path, long, long)} for any key source (a PKCS#11 key included) and the agent's own
     * signed marker ({@code M0_SIGNER_SIGNED_MARKER_FILE}): the new journal is bound to the source's public key.
     */
    public static String recover(Path stateDir, KeySource source, Path signedMarker, long signerSetId,
            long minSequence) {
        if (minSequence < 0) {
            throw new AgentConfigException("--min-sequence must be >= 0, got " + minSequence);
        }
        com.m0club.protocol.sign.SignerKey publicKey;
        try (AgentKey key = source.open()) {
            publicKey = key.publicKey();
        }
        ReplayGuard.RecoveryResult r = ReplayGuard.recover(stateDir, publicKey.toByteArray(), signedMarker,
                signerSetId, minSequence);
        StringBuilder out = new StringBuilder();
        out.append("replay journal ").append(r.journal()).append(" rewritten for key ")
                .append(publicKey.toHex()).append(": signer set ").append(signerSetId)
                .append(" floor ").append(minSequence).append(" (every sequence <= ").append(minSequence)
                .append(" is refused; the next bundle must be above it)\n");
        for (Path p : r.movedAside()) {
            out.append("moved aside: ").append(p).append('\n');
        }
        LoggerFactory.getLogger(SignerAgentMain.class).warn("replay journal {} recovered by the operator: signer set "
                + "{} floor {}, {} old file(s) moved aside", r.journal(), signerSetId, minSequence, r.movedAside().size());
        return out.toString();
    }
}
