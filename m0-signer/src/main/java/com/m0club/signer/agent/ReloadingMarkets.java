package com.m0club.signer.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.signer.policy.MarketDirectory;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone agent's market directory, read from its markets file and reloaded when the file changes (a
 * Kubernetes ConfigMap update, mounted read-only): every {@code period} the file's modification time and SHA-256
 * are compared with the last ones seen; a changed file is parsed ({@link SignerConfigFile#parseMarkets}) and, when
 * valid, replaces the directory at once, so a market added to the file becomes signable without a restart and a
 * paused market stops being signed. A file that does not parse (or, when the markets live in the signer config file,
 * whose {@code signer_set} changed) keeps the previous directory: the error is logged once per change and counted
 * in {@code m0_signer_markets_reloads_total{result="error"}}, and {@link #lastError} reports it to {@code /readyz}.
 *
 * <p>Metrics: {@code m0_signer_markets_reloads_total{result}} (reloaded, error) and {@code m0_signer_markets} (markets
 * in the directory in use).
 */
public final class ReloadingMarkets implements MarketDirectory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingMarkets.class);

    /** What a {@link #reloadNow} call did. */
    public enum Outcome { UNCHANGED, RELOADED, ERROR }

    private final Path file;
    private final Optional<SignerSet> signerSetInFile;
    private final Counter reloads;
    private final Gauge loaded;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile MarketDirectory current;
    private volatile int count;
    private volatile Optional<String> lastError = Optional.empty();
    private long lastModified;
    private byte[] lastHash = new byte[0];
    private ScheduledExecutorService timer;

    private ReloadingMarkets(Path file, Optional<SignerSet> signerSetInFile, PrometheusRegistry registry) {
        this.file = file;
        this.signerSetInFile = signerSetInFile;
        this.reloads = Counter.builder().name("m0_signer_markets_reloads_total")
                .help("Reloads of the signer agent's markets file after it changed, by result (reloaded, error)")
                .labelNames("result").register(registry);
        this.loaded = Gauge.builder().name("m0_signer_markets")
                .help("Markets in the directory the signer agent signs against").register(registry);
        reloads.labelValues("reloaded");
        reloads.labelValues("error");
    }

    /**
     * Loads {@code file} now (failing with {@link AgentConfigException} if it does not parse: the agent does not
     * start without markets).
     *
     * @param signerSetInFile the agent's signer set when the markets live in the signer config file (its
     *     {@code signer_set} must then stay the same); empty for a markets-only file
     */
    public static ReloadingMarkets load(Path file, Optional<SignerSet> signerSetInFile, PrometheusRegistry registry) {
        ReloadingMarkets m = new ReloadingMarkets(Objects.requireNonNull(file, "file"),
                Objects.requireNonNull(signerSetInFile, "signerSetInFile"), Objects.requireNonNull(registry,
                        "registry"));
        if (m.reloadNow() != Outcome.RELOADED) {
            throw new AgentConfigException(m.lastError.orElse("markets file " + file + " could not be loaded"));
        }
        return m;
    }

    /** Polls the file every {@code period} on a daemon thread (until {@link #close}). */
    public ReloadingMarkets watch(Duration period) {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("m0-signer-markets-reload")
                .daemon(true).factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                reloadNow();
            } catch (RuntimeException e) {
                LOG.error("markets file {}: reload check failed", file, e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Checks the file once: reloads it when its modification time or content hash changed. */
    public Outcome reloadNow() {
        lock.lock();
        try {
            byte[] bytes;
            long modified;
            try {
                modified = Files.getLastModifiedTime(file).toMillis();
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                return error(new byte[0], 0, "markets file " + file + " cannot be read: " + e.getMessage());
            }
            byte[] hash = sha256(bytes);
            if (modified == lastModified && MessageDigest.isEqual(hash, lastHash)) {
                return Outcome.UNCHANGED;
            }
            List<Market> markets;
            try {
                JsonNode root = SignerConfigFile.readJson(file);
                if (signerSetInFile.isPresent()) {
                    SignerSet inFile = SignerConfigFile.parseSignerSet(root, file.toString());
                    if (!inFile.equals(signerSetInFile.get())) {
                        return error(hash, modified, "signer config " + file + ": signer_set changed; the agent"
                                + " keeps its signer set until it restarts (the markets were not reloaded either)");
                    }
                }
                markets = SignerConfigFile.parseMarkets(root, file.toString(), signerSetInFile.isPresent());
            } catch (AgentConfigException e) {
                return error(hash, modified, e.getMessage());
            }
            boolean first = current == null;
            current = MarketDirectory.of(markets);
            count = markets.size();
            loaded.set(markets.size());
            lastHash = hash;
            lastModified = modified;
            lastError = Optional.empty();
            if (!first) {
                reloads.labelValues("reloaded").inc();
                LOG.info("markets file {} reloaded: {} markets", file, markets.size());
            }
            return Outcome.RELOADED;
        } finally {
            lock.unlock();
        }
    }

    private Outcome error(byte[] hash, long modified, String message) {
        boolean newError = !MessageDigest.isEqual(hash, lastHash) || modified != lastModified
                || !message.equals(lastError.orElse(""));
        lastHash = hash;
        lastModified = modified;
        lastError = Optional.of(message);
        if (current != null && newError) {
            reloads.labelValues("error").inc();
            LOG.error("{}; still signing with the previous {} markets", message, count);
        }
        return Outcome.ERROR;
    }

    @Override
    public Optional<Market> find(MarketId id) {
        return current.find(id);
    }

    /** Markets in the directory in use. */
    public int size() {
        return count;
    }

    /** The last reload's error while the previous directory is kept; empty after a good load. */
    public Optional<String> lastError() {
        return lastError;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
