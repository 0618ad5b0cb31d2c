package com.m0club.signer.agent;

import com.m0club.http.HttpConformance;
import com.m0club.protocol.Checks;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.signer.BearerToken;
import com.m0club.signer.guard.ReplayGuard;
import com.m0club.signer.guard.ReplayGuardException;
import com.m0club.signer.keystore.KeyFileException;
import com.m0club.signer.keystore.KeyStoreFile;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone signer agent program: one key, one state dir, one HTTP port; no Kafka, no database.
 *
 * <table>
 *   <caption>Environment</caption>
 *   <tr><td>{@code M0_SIGNER_KEY_FILE}</td><td>required: the key file ({@link KeyStoreFile} format, mode 0600 or
 *       0400); create it with {@code m0 signer keygen}</td></tr>
 *   <tr><td>{@code M0_SIGNER_STATE_DIR}</td><td>required: this agent's own durable dir (replay journal); must
 *       survive restarts (a PersistentVolume, never an emptyDir)</td></tr>
 *   <tr><td>{@code M0_SIGNER_SET_ID}</td><td>required: the signer set id; must equal the config file's</td></tr>
 *   <tr><td>{@code M0_SIGNER_CONFIG}</td><td>required: JSON file with the signer set and markets
 *       ({@link AgentConfig})</td></tr>
 *   <tr><td>{@code M0_SIGNER_PORT}</td><td>optional, default 8090</td></tr>
 *   <tr><td>{@code M0_SIGNER_HOST}</td><td>optional bind address, default 127.0.0.1 (loopback: set it, e.g.
 *       0.0.0.0, to be reachable from other hosts)</td></tr>
 *   <tr><td>{@code M0_SIGNER_AUTH_TOKEN_FILE}</td><td>the file with the shared bearer token; required unless
 *       {@code M0_ENV=dev}, where a missing one is generated (random, mode 0600) at
 *       {@code <state dir>/agent.token}</td></tr>
 *   <tr><td>{@code M0_SIGNER_MAX_CLOCK_SKEW_MS}</td><td>optional, default 30000: max |produced_at_ms - now|, also
 *       the slack around an item's tick</td></tr>
 *   <tr><td>{@code M0_SIGNER_MAX_SEQUENCE_GAP}</td><td>optional, default 1000: max sequence above the high-water
 *       mark</td></tr>
 *   <tr><td>{@code M0_SIGNER_MAX_CONNECTIONS}</td><td>optional, default 64: TCP connections the listener holds at
 *       most; more wait in the accept backlog</td></tr>
 *   <tr><td>{@code M0_SIGNER_IDLE_TIMEOUT_MS}</td><td>optional, default 60000: a connection idle (or stalled in its
 *       request line) this long is closed</td></tr>
 *   <tr><td>{@code M0_SIGNER_HEADER_TIMEOUT_MS}</td><td>optional, default 10000: a request line and headers not
 *       complete this long after their first byte get a 408 and the connection is closed</td></tr>
 * </table>
 *
 * Invalid configuration exits with status 2 and a message naming the variable or key. The agent serves
 * {@code /v1/sign}, {@code /v1/key}, {@code /healthz} and {@code /metrics} on its one port.
 */
public final class SignerAgentMain {
    public static final String KEY_FILE = "M0_SIGNER_KEY_FILE";
    public static final String STATE_DIR = "M0_SIGNER_STATE_DIR";
    public static final String SET_ID = "M0_SIGNER_SET_ID";
    public static final String CONFIG = "M0_SIGNER_CONFIG";
    public static final String PORT = "M0_SIGNER_PORT";
    public static final String HOST = "M0_SIGNER_HOST";
    public static final String AUTH_TOKEN_FILE = "M0_SIGNER_AUTH_TOKEN_FILE";
    public static final String MAX_CLOCK_SKEW_MS = "M0_SIGNER_MAX_CLOCK_SKEW_MS";
    public static final String MAX_SEQUENCE_GAP = "M0_SIGNER_MAX_SEQUENCE_GAP";
    public static final String MAX_CONNECTIONS = "M0_SIGNER_MAX_CONNECTIONS";
    public static final String IDLE_TIMEOUT_MS = "M0_SIGNER_IDLE_TIMEOUT_MS";
    public static final String HEADER_TIMEOUT_MS = "M0_SIGNER_HEADER_TIMEOUT_MS";
    public static final String ENV = "M0_ENV";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String DEV_TOKEN_FILE = "agent.token";
    public static final int DEFAULT_PORT = 8090;

    private SignerAgentMain() {}

    /** A started agent and its server; closing stops the server, then closes the agent (and its journal). */
    public record Running(SignerAgent agent, SignerAgentServer server) implements AutoCloseable {
        @Override
        public void close() {
            try {
                server.close();
            } finally {
                agent.close();
            }
        }
    }

    public static void main(String[] args) {
        Running running;
        try {
            running = start(System.getenv(), InstantSource.system(), new PrometheusRegistry());
        } catch (AgentConfigException | KeyFileException | ReplayGuardException e) {
            System.err.println("m0 signer-agent: " + e.getMessage());
            System.exit(2);
            return;
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
    }

    /** Reads {@code env}, loads the key, config and journal, and starts the server. */
    public static Running start(Map<String, String> env, InstantSource clock, PrometheusRegistry registry) {
        Logger log = LoggerFactory.getLogger(SignerAgentMain.class);
        Path keyFile = Path.of(required(env, KEY_FILE));
        Path stateDir = Path.of(required(env, STATE_DIR));
        long setId = integer(env, SET_ID, -1, 0, Checks.U32_MAX);
        AgentConfig config = AgentConfig.load(Path.of(required(env, CONFIG)));
        int port = (int) integer(env, PORT, DEFAULT_PORT, 0, 65_535);
        String host = Optional.ofNullable(env.get(HOST)).filter(h -> !h.isBlank()).map(String::strip)
                .orElse(DEFAULT_HOST);
        long maxSkew = integer(env, MAX_CLOCK_SKEW_MS, com.m0club.signer.policy.SignPolicy.DEFAULT_MAX_CLOCK_SKEW_MS,
                1, 86_400_000);
        long maxGap = integer(env, MAX_SEQUENCE_GAP, ReplayGuard.DEFAULT_MAX_SEQUENCE_GAP, 1, Checks.U32_MAX);
        int maxConnections = (int) integer(env, MAX_CONNECTIONS, SignerAgentServer.Builder.DEFAULT_MAX_CONNECTIONS, 1,
                100_000);
        Duration idleTimeout = Duration.ofMillis(integer(env, IDLE_TIMEOUT_MS,
                SignerAgentServer.Builder.DEFAULT_IDLE_TIMEOUT.toMillis(), 100, 86_400_000));
        Duration headerTimeout = Duration.ofMillis(integer(env, HEADER_TIMEOUT_MS,
                HttpConformance.DEFAULT_HEADER_TIMEOUT.toMillis(), 1, 86_400_000));
        boolean dev = "dev".equalsIgnoreCase(Optional.ofNullable(env.get(ENV)).orElse("").strip());
        BearerToken token;
        try {
            Optional<String> tokenFile = Optional.ofNullable(env.get(AUTH_TOKEN_FILE)).filter(s -> !s.isBlank());
            if (tokenFile.isPresent()) {
                token = BearerToken.fromFile(Path.of(tokenFile.get().strip()));
            } else if (dev) {
                Path generated = stateDir.resolve(DEV_TOKEN_FILE);
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
        if (config.signerSet().id() != setId) {
            throw new AgentConfigException(SET_ID + " is " + setId + " but the config file's signer_set.id is "
                    + config.signerSet().id());
        }
        SigningKey key = KeyStoreFile.load(keyFile);
        if (!config.signerSet().contains(key.publicKey())) {
            throw new AgentConfigException("the key in " + keyFile + " (public key " + key.publicKey().toHex()
                    + ") is not a member of signer set " + setId + " in the config file");
        }
        SignerAgent agent = SignerAgent.builder()
                .key(key)
                .signerSet(config.signerSet())
                .markets(config.directory())
                .clock(clock)
                .stateDir(stateDir)
                .keyFile(keyFile)
                .maxClockSkewMs(maxSkew)
                .maxSequenceGap(maxGap)
                .build();
        try {
            ReplayGuard.Recovery rec = agent.guard().recovery();
            log.info("signer agent: key {}, signer set {} ({}-of-{}), {} markets, journal {} records read, {} bytes "
                            + "of torn tail truncated, high-water mark {}", key.publicKey().toHex(), setId,
                    config.signerSet().threshold(), config.signerSet().size(), config.markets().size(),
                    rec.recordsRead(), rec.bytesTruncated(), agent.guard().highWaterMark(setId));
            SignerAgentServer server = SignerAgentServer.builder(agent)
                    .registry(registry)
                    .exposeMetrics(registry)
                    .bearerToken(token)
                    .host(host)
                    .port(port)
                    .limits(maxConnections, idleTimeout)
                    .headerTimeout(headerTimeout)
                    .build()
                    .start();
            return new Running(agent, server);
        } catch (RuntimeException e) {
            agent.close();
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
        if (minSequence < 0) {
            throw new AgentConfigException("--min-sequence must be >= 0, got " + minSequence);
        }
        SigningKey key = KeyStoreFile.load(keyFile);
        ReplayGuard.RecoveryResult r = ReplayGuard.recover(stateDir, key.publicKey().toByteArray(),
                SignerAgent.Builder.signedMarker(keyFile), signerSetId, minSequence);
        StringBuilder out = new StringBuilder();
        out.append("replay journal ").append(r.journal()).append(" rewritten for key ")
                .append(key.publicKey().toHex()).append(": signer set ").append(signerSetId)
                .append(" floor ").append(minSequence).append(" (every sequence <= ").append(minSequence)
                .append(" is refused; the next bundle must be above it)\n");
        for (Path p : r.movedAside()) {
            out.append("moved aside: ").append(p).append('\n');
        }
        LoggerFactory.getLogger(SignerAgentMain.class).warn("replay journal {} recovered by the operator: signer set "
                + "{} floor {}, {} old file(s) moved aside", r.journal(), signerSetId, minSequence, r.movedAside().size());
        return out.toString();
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new AgentConfigException(name + " is required");
        }
        return v.strip();
    }

    private static long integer(Map<String, String> env, String name, long dflt, long min, long max) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            if (dflt >= 0) {
                return dflt;
            }
            throw new AgentConfigException(name + " is required");
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n < min || n > max) {
                throw new AgentConfigException(name + " must be in " + min + ".." + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new AgentConfigException(name + " must be an integer, got '" + v.strip() + "'", e);
        }
    }
}
