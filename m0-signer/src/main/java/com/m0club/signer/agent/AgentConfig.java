package com.m0club.signer.agent;

import com.m0club.http.HttpConformance;
import com.m0club.protocol.Checks;
import com.m0club.signer.guard.ReplayGuard;
import com.m0club.signer.keystore.KeySource;
import com.m0club.signer.keystore.KeySourceException;
import com.m0club.signer.policy.SignPolicy;
import com.m0club.signer.tls.ClientIdentities;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the standalone agent program ({@link SignerAgentMain}) reads from its environment, validated at once:
 * every error names the variable and the rule ({@link AgentConfigException}). The table of variables is in
 * m0-signer/README.md and docs/operations.md.
 *
 * @param keySource          {@code M0_SIGNER_KEY_SOURCE} ({@code file:PATH} or {@code pkcs11:...}), or
 *                           {@code M0_SIGNER_KEY_FILE} as {@code file:}
 * @param signedMarker       where the "this key has signed" marker lives: {@code M0_SIGNER_SIGNED_MARKER_FILE},
 *                           by default {@code <key file>.signed} (required for a PKCS#11 key)
 * @param signerConfigFile   {@code M0_SIGNER_CONFIG}: the signer set (and the markets, unless
 *                           {@code M0_SIGNER_MARKETS_FILE} names their own file)
 * @param marketsFile        the file the markets are read and reloaded from
 * @param marketsReload      {@code M0_SIGNER_MARKETS_RELOAD_MS}: how often the markets file is checked
 * @param adminHost          {@code M0_SIGNER_ADMIN_HOST}: the plain-HTTP admin listener ({@code /healthz},
 *                           {@code /readyz}, {@code /metrics}; never the sign API)
 * @param tlsCertFile        {@code M0_SIGNER_TLS_CERT_FILE}: the agent's server certificate chain (PEM)
 * @param tlsKeyFile         {@code M0_SIGNER_TLS_KEY_FILE}: its PKCS#8 key (PEM, owner-only)
 * @param tlsCaFile          {@code M0_SIGNER_TLS_CA_FILE}: the CA the clients' certificates must chain to
 * @param allowedClients     {@code M0_SIGNER_TLS_ALLOWED_CLIENTS}: client identities accepted (default bundler)
 */
public record AgentConfig(
        KeySource keySource,
        Path stateDir,
        Path signedMarker,
        long signerSetId,
        Path signerConfigFile,
        Path marketsFile,
        Duration marketsReload,
        String host,
        int port,
        String adminHost,
        int adminPort,
        Path tlsCertFile,
        Path tlsKeyFile,
        Path tlsCaFile,
        ClientIdentities allowedClients,
        Optional<Path> tokenFile,
        boolean dev,
        long maxClockSkewMs,
        long maxSequenceGap,
        int maxConnections,
        Duration idleTimeout,
        Duration headerTimeout) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8090;
    public static final int DEFAULT_ADMIN_PORT = 8091;
    public static final long DEFAULT_MARKETS_RELOAD_MS = 5_000;
    public static final String DEFAULT_ALLOWED_CLIENTS = "bundler";

    /** True when the markets live in the signer config file itself. */
    public boolean marketsInSignerConfig() {
        return marketsFile.equals(signerConfigFile);
    }

    /** Reads and validates {@code env}. */
    public static AgentConfig fromEnv(Map<String, String> env) {
        KeySource keySource = keySource(env);
        Path stateDir = Path.of(required(env, SignerAgentMain.STATE_DIR));
        Path marker = optional(env, SignerAgentMain.SIGNED_MARKER_FILE).map(Path::of).orElseGet(() -> switch (keySource) {
            case KeySource.File f -> SignerAgent.Builder.signedMarker(f.path());
            case KeySource.Pkcs11 p -> throw new AgentConfigException(SignerAgentMain.SIGNED_MARKER_FILE
                    + " is required with a pkcs11: key source: the \"this key has signed\" marker must live on"
                    + " durable storage other than the state dir (losing the journal must not lose it too)");
        });
        if (marker.toAbsolutePath().normalize().startsWith(stateDir.toAbsolutePath().normalize())) {
            throw new AgentConfigException(SignerAgentMain.SIGNED_MARKER_FILE + " " + marker + " is inside "
                    + SignerAgentMain.STATE_DIR + " " + stateDir + "; it must live elsewhere (it proves the key has"
                    + " signed when the state dir is lost)");
        }
        long setId = integer(env, SignerAgentMain.SET_ID, -1, 0, Checks.U32_MAX);
        Path config = Path.of(required(env, SignerAgentMain.CONFIG));
        Path markets = optional(env, SignerAgentMain.MARKETS_FILE).map(Path::of).orElse(config);
        Duration reload = Duration.ofMillis(integer(env, SignerAgentMain.MARKETS_RELOAD_MS,
                DEFAULT_MARKETS_RELOAD_MS, 100, 3_600_000));
        String host = optional(env, SignerAgentMain.HOST).orElse(DEFAULT_HOST);
        int port = (int) integer(env, SignerAgentMain.PORT, DEFAULT_PORT, 0, 65_535);
        String adminHost = optional(env, SignerAgentMain.ADMIN_HOST).orElse(DEFAULT_HOST);
        int adminPort = (int) integer(env, SignerAgentMain.ADMIN_PORT, DEFAULT_ADMIN_PORT, 0, 65_535);
        if (port != 0 && port == adminPort && host.equals(adminHost)) {
            throw new AgentConfigException(SignerAgentMain.ADMIN_PORT + " must differ from " + SignerAgentMain.PORT
                    + " (" + port + "): the admin listener is plain HTTP and never serves the sign API");
        }
        Path cert = Path.of(requiredTls(env, SignerAgentMain.TLS_CERT_FILE, "its server certificate (PEM)"));
        Path key = Path.of(requiredTls(env, SignerAgentMain.TLS_KEY_FILE, "its server key (PKCS#8 PEM, mode 0600)"));
        Path ca = Path.of(requiredTls(env, SignerAgentMain.TLS_CA_FILE, "the CA of its clients' certificates"));
        ClientIdentities allowed;
        try {
            allowed = ClientIdentities.parse(optional(env, SignerAgentMain.TLS_ALLOWED_CLIENTS)
                    .orElse(DEFAULT_ALLOWED_CLIENTS));
        } catch (IllegalArgumentException e) {
            throw new AgentConfigException(SignerAgentMain.TLS_ALLOWED_CLIENTS + ": " + e.getMessage(), e);
        }
        boolean dev = "dev".equalsIgnoreCase(optional(env, SignerAgentMain.ENV).orElse(""));
        return new AgentConfig(keySource, stateDir, marker, setId, config, markets, reload, host, port, adminHost,
                adminPort, cert, key, ca, allowed, optional(env, SignerAgentMain.AUTH_TOKEN_FILE).map(Path::of), dev,
                integer(env, SignerAgentMain.MAX_CLOCK_SKEW_MS, SignPolicy.DEFAULT_MAX_CLOCK_SKEW_MS, 1, 86_400_000),
                integer(env, SignerAgentMain.MAX_SEQUENCE_GAP, ReplayGuard.DEFAULT_MAX_SEQUENCE_GAP, 1,
                        Checks.U32_MAX),
                (int) integer(env, SignerAgentMain.MAX_CONNECTIONS, SignerAgentServer.Builder.DEFAULT_MAX_CONNECTIONS,
                        1, 100_000),
                Duration.ofMillis(integer(env, SignerAgentMain.IDLE_TIMEOUT_MS,
                        SignerAgentServer.Builder.DEFAULT_IDLE_TIMEOUT.toMillis(), 100, 86_400_000)),
                Duration.ofMillis(integer(env, SignerAgentMain.HEADER_TIMEOUT_MS,
                        HttpConformance.DEFAULT_HEADER_TIMEOUT.toMillis(), 1, 86_400_000)));
    }

    private static KeySource keySource(Map<String, String> env) {
        Optional<String> source = optional(env, SignerAgentMain.KEY_SOURCE);
        Optional<String> file = optional(env, SignerAgentMain.KEY_FILE);
        if (source.isPresent() && file.isPresent()) {
            throw new AgentConfigException("set one of " + SignerAgentMain.KEY_SOURCE + " and "
                    + SignerAgentMain.KEY_FILE + ", not both");
        }
        if (file.isPresent()) {
            return new KeySource.File(Path.of(file.get()));
        }
        if (source.isEmpty()) {
            throw new AgentConfigException(SignerAgentMain.KEY_SOURCE + " (file:PATH or pkcs11:...) or "
                    + SignerAgentMain.KEY_FILE + " is required");
        }
        try {
            return KeySource.parse(source.get());
        } catch (KeySourceException e) {
            throw new AgentConfigException(SignerAgentMain.KEY_SOURCE + ": " + e.getMessage(), e);
        }
    }

    private static String requiredTls(Map<String, String> env, String name, String what) {
        return optional(env, name).orElseThrow(() -> new AgentConfigException(name + " is required: " + what
                + "; the agent serves mutual TLS only (dev files: m0 signer tls-init --out DIR)"));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank()).map(String::strip);
    }

    private static String required(Map<String, String> env, String name) {
        return optional(env, name).orElseThrow(() -> new AgentConfigException(name + " is required"));
    }

    private static long integer(Map<String, String> env, String name, long dflt, long min, long max) {
        Optional<String> v = optional(env, name);
        if (v.isEmpty()) {
            if (dflt >= 0) {
                return dflt;
            }
            throw new AgentConfigException(name + " is required");
        }
        try {
            long n = Long.parseLong(v.get());
            if (n < min || n > max) {
                throw new AgentConfigException(name + " must be in " + min + ".." + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new AgentConfigException(name + " must be an integer, got '" + v.get() + "'", e);
        }
    }
}
