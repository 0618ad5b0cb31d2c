package com.m0club.api.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.api.json.Json;
import com.m0club.api.json.ServedValueJson;
import com.m0club.protocol.id.MarketId;
import com.m0club.view.LedgerStatus;
import com.m0club.view.MarketSnapshot;
import com.m0club.view.OracleReadModel;
import com.m0club.view.PublishedFeed;
import com.m0club.view.ServedValue;
import com.m0club.view.Withdrawal;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's in-memory view of what it serves most: each market's latest value, serialized once per new value with its
 * ETag, and the {@code /v1/markets} document.
 *
 * <ul>
 *   <li>Latest values are kept current from the {@link PublishedFeed} (the values the reconciler announces on
 *       {@code m0.published}), read through from the read model at {@link #start()} and on a miss, and dropped when
 *       the feed withdraws it ({@link #withdraw}; {@code m0.withdrawn}). A value only
 *       replaces an older one: a later reveal slot, or the same item now finalized; a read-through racing the feed
 *       never puts an older value back.</li>
 *   <li>The market list carries publish status that is not on the feed, so it is rebuilt from the read model, by
 *       one request at a time (the others keep serving the previous document): when a new value arrived on the feed
 *       and at least {@code minRefresh} passed, or when it is older than {@code maxAge}.</li>
 * </ul>
 * Read-model failures during a read-through propagate to the caller (the request fails as before); a failed list
 * refresh serves the previous document and is counted in {@code m0_api_cache_refresh_failures_total}.
 */
final class ServedCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServedCache.class);

    /** A latest value as served: the value, its ETag and its JSON body (do not mutate). */
    record Entry(ServedValue value, String etag, byte[] json) {
        static Entry of(ServedValue v) {
            return new Entry(v, ServedCache.etag(v), Json.bytes(ServedValueJson.latest(v)));
        }
    }

    private record Document(byte[] json, long builtAtNanos, long version) {}

    private final OracleReadModel model;
    private final PublishedFeed feed;
    private final Duration minRefresh;
    private final Duration maxAge;
    private final Map<MarketId, Entry> latest = new ConcurrentHashMap<>();
    private final ReentrantLock listLock = new ReentrantLock();
    private final Counter misses;
    private final Counter refreshFailures;
    private volatile long feedVersion;
    private volatile Document list;
    private AutoCloseable subscription;
    private AutoCloseable withdrawals;

    ServedCache(OracleReadModel model, PublishedFeed feed, PrometheusRegistry registry, Duration minRefresh,
            Duration maxAge) {
        this.model = model;
        this.feed = feed;
        this.minRefresh = minRefresh;
        this.maxAge = maxAge;
        this.misses = Counter.builder().name("m0_api_cache_misses_total")
                .help("Latest-value requests not answered from memory (read through to the read model)")
                .register(registry);
        this.refreshFailures = Counter.builder().name("m0_api_cache_refresh_failures_total")
                .help("Rebuilds of the in-memory market list or latest values that failed (stale copy served)")
                .register(registry);
    }

    /** The ETag of a value: its bundle and ledger status (a new bundle or a finalization changes it). */
    static String etag(ServedValue v) {
        return "\"" + v.bundleHash().toHex() + "-" + v.ledgerStatus().name().toLowerCase(Locale.ROOT) + "\"";
    }

    /** Subscribes to the feed, then loads every market's latest value (a failure here is retried on demand). */
    synchronized void start() {
        if (subscription != null) {
            return;
        }
        subscription = feed.subscribe(this::offer);
        withdrawals = feed.subscribeWithdrawals(this::withdraw);
        try {
            for (MarketSnapshot s : model.markets()) {
                s.latest().ifPresent(this::offer);
            }
        } catch (RuntimeException e) {
            refreshFailures.inc();
            LOG.warn("could not preload the latest values (read through on demand): {}", e.toString());
        }
    }

    /** The latest value of a market from memory, or read through from the read model on a miss. */
    Optional<Entry> latest(MarketId id) {
        Entry e = latest.get(id);
        if (e != null) {
            return Optional.of(e);
        }
        misses.inc();
        return model.latest(id).map(this::offer);
    }

    /** Keeps {@code v} unless a newer value of its market is already held; returns what is held afterwards. */
    Entry offer(ServedValue v) {
        Entry fresh = Entry.of(v);
        Entry held = latest.merge(v.marketId(), fresh, (old, neu) -> newer(neu.value(), old.value()) ? neu : old);
        if (held == fresh) {
            feedVersion++;
        }
        return held;
    }

    /**
     * Drops the held value of the withdrawal's market when it is from the withdrawn bundle: the next request reads
     * the market through from the read model (the previous valid value, or nothing), with its own ETag.
     */
    void withdraw(Withdrawal w) {
        Entry held = latest.get(w.marketId());
        if (held != null && held.value().bundleHash().equals(w.bundleHash()) && latest.remove(w.marketId(), held)) {
            feedVersion++;
            LOG.warn("market {}: value of bundle {} withdrawn from serving", w.marketId(), w.bundleHash().toHex());
        }
    }

    static boolean newer(ServedValue candidate, ServedValue held) {
        if (candidate.revealSlot() != held.revealSlot()) {
            return candidate.revealSlot() > held.revealSlot();
        }
        return candidate.bundleHash().equals(held.bundleHash())
                && candidate.ledgerStatus() == LedgerStatus.FINALIZED && held.ledgerStatus() != LedgerStatus.FINALIZED;
    }

    /** The {@code /v1/markets} body: at most {@code maxAge} old, rebuilt by one caller at a time. */
    byte[] marketList() {
        Document d = list;
        long now = System.nanoTime();
        if (d != null && !stale(d, now)) {
            return d.json();
        }
        if (d == null) {
            listLock.lock(); // nothing to serve yet: wait for whoever builds it
        } else if (!listLock.tryLock()) {
            return d.json(); // someone is rebuilding it: serve the previous one meanwhile
        }
        try {
            Document current = list;
            if (current != null && !stale(current, System.nanoTime())) {
                return current.json();
            }
            long version = feedVersion;
            try {
                ObjectNode body = Json.object();
                ArrayNode markets = body.putArray("markets");
                for (MarketSnapshot s : model.markets()) {
                    markets.add(MarketJson.snapshot(s));
                }
                Document built = new Document(Json.bytes(body), System.nanoTime(), version);
                list = built;
                return built.json();
            } catch (RuntimeException e) {
                if (current == null) {
                    throw e;
                }
                refreshFailures.inc();
                LOG.warn("market list refresh failed, serving the previous one: {}", e.toString());
                return current.json();
            }
        } finally {
            listLock.unlock();
        }
    }

    private boolean stale(Document d, long now) {
        long age = now - d.builtAtNanos();
        return age >= maxAge.toNanos() || (d.version() != feedVersion && age >= minRefresh.toNanos());
    }

    @Override
    public synchronized void close() {
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("unsubscribe failed: {}", e.toString());
            }
            subscription = null;
        }
        if (withdrawals != null) {
            try {
                withdrawals.close();
            } catch (Exception e) {
                LOG.debug("unsubscribe failed: {}", e.toString());
            }
            withdrawals = null;
        }
    }
}
