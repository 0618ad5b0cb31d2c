package com.m0club.api.testing;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.view.BundleRecord;
import com.m0club.view.LedgerStatus;
import com.m0club.view.MarketSnapshot;
import com.m0club.view.OracleReadModel;
import com.m0club.view.PublishStatus;
import com.m0club.view.PublishedFeed;
import com.m0club.view.ServedValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An in-memory {@link OracleReadModel} and {@link PublishedFeed} for tests: the publishing plane's contract with
 * nothing behind it but maps. It holds whatever real protocol objects a test puts in ({@link OracleFixture} builds
 * them from real bundles and signatures). {@link #reveal} runs the listeners on the caller's thread, like the feed
 * thread of the real implementation.
 */
public final class InMemoryOracle implements OracleReadModel, PublishedFeed {
    private final ConcurrentSkipListMap<MarketId, MarketSnapshot> markets = new ConcurrentSkipListMap<>();
    private final Map<Hash32, BundleRecord> bundles = new ConcurrentHashMap<>();
    private final Map<Long, SignerSet> signerSets = new ConcurrentHashMap<>();
    private final Map<EpochKey, ServedValue> epochs = new ConcurrentHashMap<>();
    private final List<Consumer<ServedValue>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<com.m0club.view.Withdrawal>> withdrawalListeners = new CopyOnWriteArrayList<>();

    public void register(Market market) {
        markets.compute(market.id(), (id, old) -> old == null
                ? new MarketSnapshot(market, Optional.empty(), Optional.empty(), Optional.empty())
                : new MarketSnapshot(market, old.latest(), old.lastPublishStatus(), old.lastProblem()));
    }

    public void register(SignerSet set) {
        signerSets.put(set.id(), set);
    }

    public void put(BundleRecord bundle) {
        bundles.put(bundle.bundleHash(), bundle);
    }

    /**
     * Makes {@code value} the market's latest, with the publish status of its bundle, without notifying. It also
     * becomes its epoch's canonical value unless that epoch already holds a FINALIZED one (the ledger refuses items
     * of a finalized epoch; the same value finalized replaces its REVEALED self).
     */
    public void serve(ServedValue value, PublishStatus status) {
        markets.computeIfPresent(value.marketId(),
                (id, old) -> new MarketSnapshot(old.market(), Optional.of(value), Optional.of(status),
                        Optional.empty()));
        if (markets.containsKey(value.marketId())) {
            epochs.merge(new EpochKey(value.marketId(), value.item().epochId()), value,
                    (old, next) -> old.ledgerStatus() == LedgerStatus.FINALIZED
                            && next.ledgerStatus() != LedgerStatus.FINALIZED ? old : next);
        }
    }

    /** Serves {@code value} and pushes it to every feed listener on this thread. */
    public void reveal(ServedValue value) {
        serve(value, value.ledgerStatus() == LedgerStatus.FINALIZED
                ? PublishStatus.FINALIZED : PublishStatus.REVEALED);
        for (Consumer<ServedValue> l : listeners) {
            l.accept(value);
        }
    }

    /**
     * Withdraws the market's latest value as the reconciler does (the read model then serves {@code previous}, or
     * nothing) and notifies the withdrawal listeners.
     */
    public void withdraw(MarketId market, Optional<ServedValue> previous) {
        ServedValue held = latest(market).orElseThrow();
        markets.computeIfPresent(market, (id, old) -> new MarketSnapshot(old.market(), previous,
                old.lastPublishStatus(), Optional.of("withdrawn")));
        for (Consumer<com.m0club.view.Withdrawal> l : withdrawalListeners) {
            l.accept(new com.m0club.view.Withdrawal(market, held.bundleHash()));
        }
    }

    @Override
    public AutoCloseable subscribeWithdrawals(Consumer<com.m0club.view.Withdrawal> listener) {
        withdrawalListeners.add(listener);
        return () -> withdrawalListeners.remove(listener);
    }

    /** Pushes {@code value} to the listeners without changing what is served (to drive the stream in bulk). */
    public void push(ServedValue value) {
        for (Consumer<ServedValue> l : listeners) {
            l.accept(value);
        }
    }

    /** Records that the newest bundle for {@code market} ended in {@code status} because of {@code problem}. */
    public void problem(MarketId market, PublishStatus status, String problem) {
        markets.computeIfPresent(market, (id, old) -> new MarketSnapshot(old.market(), old.latest(),
                Optional.of(status), Optional.of(problem)));
    }

    public int listenerCount() {
        return listeners.size();
    }

    @Override
    public List<MarketSnapshot> markets() {
        return List.copyOf(markets.values());
    }

    @Override
    public Optional<MarketSnapshot> market(MarketId id) {
        return Optional.ofNullable(markets.get(id));
    }

    @Override
    public Optional<ServedValue> latest(MarketId id) {
        return market(id).flatMap(MarketSnapshot::latest);
    }

    @Override
    public Optional<ServedValue> epochValue(MarketId id, long epochId) {
        return Optional.ofNullable(epochs.get(new EpochKey(id, epochId)));
    }

    @Override
    public Optional<BundleRecord> bundle(Hash32 bundleHash) {
        return Optional.ofNullable(bundles.get(bundleHash));
    }

    @Override
    public Optional<SignerSet> signerSet(long id) {
        return Optional.ofNullable(signerSets.get(id));
    }

    private record EpochKey(MarketId market, long epochId) {}

    @Override
    public AutoCloseable subscribe(Consumer<ServedValue> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
