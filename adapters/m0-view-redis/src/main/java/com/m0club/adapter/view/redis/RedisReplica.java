package com.m0club.adapter.view.redis;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.view.BundleRecord;
import com.m0club.view.MarketSnapshot;
import com.m0club.view.OracleReadModel;
import com.m0club.view.ServedValue;
import com.m0club.view.Withdrawal;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One API replica's side of Redis: the latest-value cache in front of PostgreSQL ({@link #readModel()}) and the
 * subscription to the fan-out channel that hands every newly served value to this replica's subscribers once.
 *
 * <h2>Delivery, once per value</h2>
 * Values reach {@code values} from two sources: the channel, and catch-ups that read every market's latest value
 * from PostgreSQL. Both go through one gate that remembers, per market, the {@link OrderKey} of the newest value
 * delivered: a value not newer than that (a redelivery, a message racing a catch-up, an older value arriving late)
 * is dropped and, from the channel, counted in {@code m0_redis_fanout_duplicates_total}.
 *
 * <h2>Filling the gap after Redis was unreachable</h2>
 * A pub/sub channel keeps nothing for a subscriber that is away, so the replica reads PostgreSQL instead:
 * <ul>
 *   <li>while it is out of sync (before the first subscription, after losing either connection) it reads every
 *       market's latest value from PostgreSQL every {@code outagePoll} and delivers the newer ones (so WebSocket
 *       clients keep getting values, at most one poll late, while Redis is down);</li>
 *   <li>after Lettuce has reconnected and re-subscribed (the subscription is confirmed before PostgreSQL is read, so
 *       nothing published in between is missed), one more catch-up delivers what is newer and repairs the cache
 *       ({@link Scripts#SYNC}: stores PostgreSQL's value where the cache is older or empty, and tombstones an entry
 *       PostgreSQL withdrew meanwhile); only when that succeeded is the replica in sync again;</li>
 *   <li>in sync, a catch-up runs every {@code resyncInterval} anyway, for what no connection loss reveals (a
 *       reconciler that could not reach Redis while this replica could).</li>
 * </ul>
 * A catch-up also finds values withdrawn while the replica was away (PostgreSQL serves an older value or none) and
 * hands their withdrawal to {@code withdrawals}.
 *
 * <h2>Reads</h2>
 * {@link #readModel()}'s {@code latest} answers from the cache when the replica is in sync, reads through from
 * PostgreSQL on a miss (and stores the value, conditionally), and falls back to PostgreSQL when Redis fails or the
 * replica is out of sync ({@code m0_redis_fallback_total{reason}}): a cache that may have missed a value is never
 * read. Everything else is PostgreSQL's.
 */
public final class RedisReplica implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisReplica.class);

    /**
     * @param outagePoll how often PostgreSQL is polled while the replica is out of sync (default 1 s)
     * @param resyncInterval how often an in-sync replica still catches up from PostgreSQL (default 30 s)
     */
    public record Settings(Duration outagePoll, Duration resyncInterval) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(1), Duration.ofSeconds(30));

        public Settings {
            RedisView.Builder.positive(outagePoll, "outagePoll");
            RedisView.Builder.positive(resyncInterval, "resyncInterval");
        }
    }

    /** The newest value delivered for a market: its key, its bundle, when (delivery number), and if withdrawn. */
    private record Mark(OrderKey key, Hash32 bundle, long delivery, boolean withdrawn) {}

    private final RedisView view;
    private final OracleReadModel postgres;
    private final Consumer<ServedValue> values;
    private final Consumer<Withdrawal> withdrawals;
    private final Settings settings;
    private final ReentrantLock gate = new ReentrantLock();
    private final Map<MarketId, Mark> marks = new HashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final ExecutorService inbox = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("redis-fanout-inbox").factory());
    private final Semaphore wake = new Semaphore(0);
    private final OracleReadModel readModel = new CachedReadModel();
    private volatile boolean subscribed;
    private volatile long subscribedEpoch;
    private volatile boolean inSync;
    private volatile boolean closed;
    private volatile String lastProblem = "not subscribed yet";
    private Link<StatefulRedisPubSubConnection<byte[], byte[]>> pubsub;
    private Thread ticker;

    RedisReplica(RedisView view, OracleReadModel postgres, Consumer<ServedValue> values,
            Consumer<Withdrawal> withdrawals, Settings settings) {
        this.view = view;
        this.postgres = Objects.requireNonNull(postgres, "postgres");
        this.values = Objects.requireNonNull(values, "values");
        this.withdrawals = Objects.requireNonNull(withdrawals, "withdrawals");
        this.settings = Objects.requireNonNull(settings, "settings");
        for (String source : new String[] {"pubsub", "catch_up"}) {
            view.metrics.delivered.labelValues(source);
        }
        for (String trigger : new String[] {"subscribed", "outage", "resync"}) {
            view.metrics.catchUps.labelValues(trigger);
        }
    }

    void start() {
        view.onCommandsLost(() -> outOfSync("the command connection was lost"));
        pubsub = view.pubSubLink(this::subscribe);
        pubsub.onLost(() -> {
            subscribed = false;
            outOfSync("the subscription connection was lost");
        });
        ticker = Thread.ofVirtual().name("redis-replica").start(this::tick);
    }

    /** The API's read model: PostgreSQL behind the cache (see the class comment). */
    public OracleReadModel readModel() {
        return readModel;
    }

    /** True when the subscription is up and the last catch-up after it succeeded: the cache is read. */
    public boolean inSync() {
        return inSync;
    }

    /** What the replica is doing, for the readiness detail. */
    String state() {
        return inSync ? "in sync" : "out of sync (" + lastProblem + ")";
    }

    private void subscribe(StatefulRedisPubSubConnection<byte[], byte[]> c) {
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                if (view.isChannel(channel)) {
                    inbox.execute(() -> onMessage(message));
                }
            }

            @Override
            public void subscribed(byte[] channel, long count) {
                if (view.isChannel(channel)) {
                    subscribedEpoch++;
                    subscribed = true;
                    outOfSync("catching up from PostgreSQL after subscribing");
                }
            }
        });
        c.sync().subscribe(view.channel());
    }

    private void outOfSync(String why) {
        if (closed) {
            return;
        }
        if (inSync) {
            LOG.warn("redis replica out of sync: {}; reading and polling PostgreSQL until caught up", why);
        }
        lastProblem = why;
        inSync = false;
        wake.release();
    }

    // ------------------------------------------------------------------ delivery

    private void onMessage(byte[] message) {
        Object decoded;
        try {
            decoded = view.decodeMessage(message);
        } catch (RuntimeException e) {
            view.metrics.errors.labelValues("decode").inc();
            LOG.warn("redis fan-out: dropped a message that does not decode: {}", Link.describe(e));
            return;
        }
        switch (decoded) {
            case ServedValue v -> {
                view.metrics.received.labelValues("value").inc();
                if (!deliver(v, "pubsub")) {
                    view.metrics.duplicates.inc();
                }
            }
            case Withdrawal w -> {
                view.metrics.received.labelValues("withdrawal").inc();
                withdrawn(w);
            }
            default -> throw new IllegalStateException("unexpected message " + decoded.getClass().getName());
        }
    }

    /** Hands {@code v} on when it is newer than what was delivered for its market; false when it was not. */
    private boolean deliver(ServedValue v, String source) {
        OrderKey key = OrderKey.of(v);
        gate.lock();
        try {
            Mark held = marks.get(v.marketId());
            if (held != null && !key.newerThan(held.key())) {
                return false;
            }
            marks.put(v.marketId(), new Mark(key, v.bundleHash(), deliveries.incrementAndGet(), false));
            view.metrics.delivered.labelValues(source).inc();
            try {
                values.accept(v);
            } catch (RuntimeException e) {
                LOG.warn("redis fan-out: subscriber failed for {}: {}", v.marketId(), e.toString());
            }
            return true;
        } finally {
            gate.unlock();
        }
    }

    private void withdrawn(Withdrawal w) {
        gate.lock();
        try {
            Mark held = marks.get(w.marketId());
            if (held != null && held.bundle().equals(w.bundleHash())) {
                marks.put(w.marketId(), new Mark(held.key(), held.bundle(), held.delivery(), true));
            }
            try {
                withdrawals.accept(w);
            } catch (RuntimeException e) {
                LOG.warn("redis fan-out: withdrawal subscriber failed for {}: {}", w.marketId(), e.toString());
            }
        } finally {
            gate.unlock();
        }
    }

    // ------------------------------------------------------------------ catch-up

    private void tick() {
        long nextResync = System.nanoTime() + settings.resyncInterval().toNanos();
        long caughtUpEpoch = 0;
        while (!closed) {
            long wait;
            if (!inSync) {
                boolean sub = subscribed;
                long epoch = subscribedEpoch;
                boolean fresh = sub && epoch != caughtUpEpoch;
                boolean ok = catchUp(fresh ? "subscribed" : "outage");
                if (ok && sub && subscribed && subscribedEpoch == epoch && view.commandsUp() && !closed) {
                    caughtUpEpoch = epoch;
                    inSync = true;
                    lastProblem = "";
                    LOG.info("redis replica in sync: subscribed to {} and caught up from PostgreSQL", view.target());
                    nextResync = System.nanoTime() + settings.resyncInterval().toNanos();
                }
                wait = inSync ? 0 : settings.outagePoll().toNanos();
            } else {
                long now = System.nanoTime();
                if (now - nextResync >= 0) {
                    catchUp("resync");
                    nextResync = now + settings.resyncInterval().toNanos();
                }
                wait = Math.max(0, nextResync - System.nanoTime());
            }
            try {
                if (wait > 0 && wake.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Reads every market's latest value from PostgreSQL, delivers the newer ones (and the withdrawals it reveals),
     * and makes the cache agree. True when PostgreSQL was read and every cache entry was synchronised.
     */
    boolean catchUp(String trigger) {
        view.metrics.catchUps.labelValues(trigger).inc();
        long before = deliveries.get();
        boolean redisOk = true;
        long readStart = 0;
        try {
            readStart = view.serverTimeMicros();
        } catch (RuntimeException e) {
            view.metrics.errors.labelValues("time").inc();
            lastProblem = "redis unreachable: " + Link.describe(e);
            redisOk = false;
        }
        List<MarketSnapshot> snapshots;
        try {
            snapshots = postgres.markets();
        } catch (RuntimeException e) {
            view.metrics.errors.labelValues("catch_up").inc();
            lastProblem = "PostgreSQL read failed: " + Link.describe(e);
            LOG.warn("redis replica: catch-up from PostgreSQL failed: {}", Link.describe(e));
            return false;
        }
        for (MarketSnapshot s : snapshots) {
            MarketId market = s.market().id();
            Optional<ServedValue> latest = s.latest();
            if (redisOk) {
                try {
                    view.sync(market, latest, readStart);
                } catch (RuntimeException e) {
                    view.metrics.errors.labelValues("cache_write").inc();
                    lastProblem = "redis unreachable: " + Link.describe(e);
                    redisOk = false;
                }
            }
            if (latest.isPresent()) {
                deliver(latest.get(), "catch_up");
            }
            revealWithdrawal(market, latest, before);
        }
        return redisOk;
    }

    /**
     * When PostgreSQL serves an older value than the one delivered for {@code market} before the read began (or
     * none), that value was withdrawn while this replica did not hear it: hand the withdrawal on once.
     */
    private void revealWithdrawal(MarketId market, Optional<ServedValue> latest, long deliveredBefore) {
        gate.lock();
        try {
            Mark held = marks.get(market);
            if (held == null || held.withdrawn() || held.delivery() > deliveredBefore) {
                return;
            }
            if (latest.isPresent() && !held.key().newerThan(OrderKey.of(latest.get()))) {
                return;
            }
            marks.put(market, new Mark(held.key(), held.bundle(), held.delivery(), true));
            LOG.warn("redis replica: market {} no longer serves bundle {} (withdrawn while away)", market,
                    held.bundle().toHex());
            try {
                withdrawals.accept(new Withdrawal(market, held.bundle()));
            } catch (RuntimeException e) {
                LOG.warn("redis fan-out: withdrawal subscriber failed for {}: {}", market, e.toString());
            }
        } finally {
            gate.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        wake.release();
        if (ticker != null) {
            ticker.interrupt();
            try {
                ticker.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (pubsub != null) {
            pubsub.close();
        }
        inbox.shutdownNow();
    }

    // ------------------------------------------------------------------ reads

    /** PostgreSQL's read model with {@code latest} cached in Redis. */
    private final class CachedReadModel implements OracleReadModel {
        @Override
        public Optional<ServedValue> latest(MarketId id) {
            if (!inSync) {
                view.metrics.fallbacks.labelValues("unsynced").inc();
                return postgres.latest(id);
            }
            Optional<ServedValue> cached;
            try {
                cached = view.read(id);
            } catch (IllegalArgumentException e) {
                view.metrics.errors.labelValues("decode").inc();
                LOG.warn("redis cache entry of {} does not decode ({}); reading PostgreSQL", id, e.getMessage());
                view.metrics.fallbacks.labelValues("error").inc();
                return postgres.latest(id);
            } catch (RuntimeException e) {
                view.metrics.errors.labelValues("read").inc();
                view.metrics.fallbacks.labelValues("error").inc();
                return postgres.latest(id);
            }
            if (cached.isPresent()) {
                view.metrics.hits.inc();
                return cached;
            }
            view.metrics.misses.inc();
            Optional<ServedValue> found = postgres.latest(id);
            if (found.isPresent()) {
                try {
                    view.sync(id, found, 0);
                } catch (RuntimeException e) {
                    view.metrics.errors.labelValues("cache_write").inc();
                }
            }
            return found;
        }

        @Override
        public List<MarketSnapshot> markets() {
            return postgres.markets();
        }

        @Override
        public Optional<MarketSnapshot> market(MarketId id) {
            return postgres.market(id);
        }

        @Override
        public Optional<BundleRecord> bundle(Hash32 bundleHash) {
            return postgres.bundle(bundleHash);
        }

        @Override
        public Optional<ServedValue> epochValue(MarketId id, long epochId) {
            return postgres.epochValue(id, epochId);
        }

        @Override
        public Optional<SignerSet> signerSet(long id) {
            return postgres.signerSet(id);
        }
    }
}
