package com.m0club.app.node;

import com.m0club.adapter.chain.remote.LedgerToken;
import com.m0club.adapter.chain.remote.RemoteLedger;
import com.m0club.chain.Ledger;
import com.m0club.chain.local.LocalLedger;
import com.m0club.runtime.admin.CheckResult;
import com.m0club.runtime.admin.ReadinessCheck;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.M0Keys;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger a process uses: its own local ledger under {@code <data_dir>/ledger}, or, with {@code ledger_url}
 * ({@code M0_LEDGER_URL}), the ledger server a {@code m0 ledger serve} process runs on its local ledger (the split
 * topology's stand-in for Solana RPC: one process owns the ledger directory, every other one calls it over HTTP,
 * and the rules are enforced once, by that ledger).
 */
public final class Ledgers {
    private static final Logger LOG = LoggerFactory.getLogger(Ledgers.class);

    private Ledgers() {}

    /**
     * The ledger server at {@code ledger_url} when it is set, else the local ledger under {@code localDir}. A
     * {@code ledger_auth_token_file} without {@code ledger_url} fails naming both keys: the local ledger has no
     * listener to send the token to.
     */
    public static Ledger open(Config config, Path localDir, InstantSource clock, PrometheusRegistry registry) {
        Optional<URI> url = config.find(M0Keys.LEDGER_URL);
        if (url.isPresent()) {
            RemoteLedger remote = RemoteLedger.builder(url.get()).registry(registry).token(token(config)).build();
            LOG.info("ledger: the ledger server at {} (ledger_url)", url.get());
            return remote;
        }
        if (config.find(M0Keys.LEDGER_AUTH_TOKEN_FILE).isPresent()) {
            throw new IllegalStateException("ledger_auth_token_file (M0_LEDGER_AUTH_TOKEN_FILE) is set but ledger_url"
                    + " (M0_LEDGER_URL) is not: this process opens its own local ledger, which has no listener to"
                    + " send the token to; set ledger_url to the ledger server, or unset the token file");
        }
        return local(config, localDir, clock, registry);
    }

    /**
     * The local ledger under {@code dir} with the configured bound of events in memory
     * ({@code ledger_max_events_in_memory}), snapshot interval ({@code ledger_snapshot_interval_records}) and
     * retention ({@code ledger_retention_hours}).
     */
    public static LocalLedger local(Config config, Path dir, InstantSource clock, PrometheusRegistry registry) {
        try {
            return LocalLedger.builder(dir).clock(clock).registry(registry)
                    .maxEventsInMemory(config.get(M0Keys.LEDGER_MAX_EVENTS_IN_MEMORY))
                    .snapshotEveryRecords(config.get(M0Keys.LEDGER_SNAPSHOT_INTERVAL_RECORDS))
                    .retentionHours(config.get(M0Keys.LEDGER_RETENTION_HOURS)).open();
        } catch (IOException e) {
            throw new UncheckedIOException("the local ledger under " + dir + " could not be opened: "
                    + e.getMessage(), e);
        }
    }

    /** The token of {@code ledger_auth_token_file}, if set; an unreadable or too short one fails naming the key. */
    public static Optional<LedgerToken> token(Config config) {
        Optional<Path> file = config.find(M0Keys.LEDGER_AUTH_TOKEN_FILE);
        try {
            return file.map(LedgerToken::fromFile);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("ledger_auth_token_file (M0_LEDGER_AUTH_TOKEN_FILE): " + e.getMessage(),
                    e);
        }
    }

    /**
     * The readiness check {@code ledger}: up with the ledger's current slot, down with the reason when the ledger
     * cannot answer (for a ledger server: unreachable, not answering in time, refusing the token).
     */
    public static ReadinessCheck readiness(Ledger ledger) {
        return ReadinessCheck.of("ledger", () -> {
            try {
                String where = ledger instanceof RemoteLedger r ? " at " + r.server() : "";
                return CheckResult.ok("slot " + ledger.currentSlot() + where);
            } catch (RuntimeException e) {
                return CheckResult.down(e.getMessage());
            }
        });
    }
}
