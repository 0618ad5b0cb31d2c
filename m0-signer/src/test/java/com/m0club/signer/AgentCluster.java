package com.m0club.signer;

import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.signer.agent.SignerAgent;
import com.m0club.signer.agent.SignerAgentMetrics;
import com.m0club.signer.agent.SignerAgentServer;
import com.m0club.signer.keystore.KeyStoreFile;
import com.m0club.signer.policy.MarketDirectory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * n real agents in this JVM, as {@code m0 dev} runs them: each with its own key file and state dir under
 * {@code root}, each on its own loopback port, sharing one metrics instance.
 */
public final class AgentCluster implements AutoCloseable {
    public final Path root;
    public final List<SigningKey> keys;
    public final SignerSet set;
    public final PrometheusRegistry registry = new PrometheusRegistry();
    public final SignerAgentMetrics metrics = new SignerAgentMetrics(registry);
    private final InstantSource clock;
    private final MarketDirectory markets;
    private final Optional<BearerToken> token;
    private final Optional<BearerToken> implicitToken;
    private final SignerAgent[] agents;
    private final SignerAgentServer[] servers;
    private final URI[] endpoints;

    public AgentCluster(Path root, int n, int threshold, InstantSource clock, MarketDirectory markets,
            Optional<BearerToken> token) {
        this.root = root;
        this.clock = clock;
        this.markets = markets;
        // Every agent requires a token now: a cluster built without one gets a generated token, which the
        // tests' clients send implicitly (implicitToken).
        this.implicitToken = token.isPresent() ? Optional.empty() : Optional.of(BearerToken.random());
        this.token = token.isPresent() ? token : implicitToken;
        this.keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(KeyStoreFile.loadOrGenerate(KeyStoreFile.defaultPath(root, i)));
        }
        this.set = Fixtures.set(threshold, keys);
        this.agents = new SignerAgent[n];
        this.servers = new SignerAgentServer[n];
        this.endpoints = new URI[n];
        for (int i = 0; i < n; i++) {
            start(i);
        }
    }

    public AgentCluster(Path root, int n, int threshold, InstantSource clock) {
        this(root, n, threshold, clock, Fixtures.directory(), Optional.empty());
    }

    /** Starts agent {@code i} (again), on a fresh port, from its key file and state dir. */
    public SignerAgentServer start(int i) {
        SigningKey key = KeyStoreFile.load(KeyStoreFile.defaultPath(root, i));
        agents[i] = SignerAgent.builder()
                .key(key)
                .signerSet(set)
                .markets(markets)
                .clock(clock)
                .stateDir(root.resolve("state").resolve("agent-" + i))
                .keyFile(KeyStoreFile.defaultPath(root, i))
                .build();
        servers[i] = SignerAgentServer.builder(agents[i]).metrics(metrics).tls(TestPki.agent()).bearerToken(token)
                .build().start();
        endpoints[i] = servers[i].endpoint();
        return servers[i];
    }

    /** Stops agent {@code i}; its endpoint stays in {@link #endpoints()} and now refuses connections. */
    public void stop(int i) {
        if (servers[i] != null) {
            servers[i].close();
            agents[i].close();
            servers[i] = null;
            agents[i] = null;
        }
    }

    /** The generated token when the cluster was built without one (tests that do not exercise auth send it). */
    public Optional<BearerToken> implicitToken() {
        return implicitToken;
    }

    /** The token every agent of this cluster requires. */
    public BearerToken token() {
        return token.orElseThrow();
    }

    public URI endpoint(int i) {
        return endpoints[i];
    }

    public List<URI> endpoints() {
        return List.of(endpoints);
    }

    public SignerAgent agent(int i) {
        return agents[i];
    }

    public SignerAgentServer server(int i) {
        return servers[i];
    }

    @Override
    public void close() {
        for (int i = 0; i < servers.length; i++) {
            stop(i);
        }
    }
}
