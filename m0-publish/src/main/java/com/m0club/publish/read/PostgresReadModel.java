package com.m0club.publish.read;

import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.publish.store.PublishStore;
import com.m0club.store.postgres.Jdbc;
import com.m0club.view.BundleRecord;
import com.m0club.view.LedgerStatus;
import com.m0club.view.MarketSnapshot;
import com.m0club.view.OracleReadModel;
import com.m0club.view.PublishStatus;
import com.m0club.view.ServedValue;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The read model the API serves, over the tables the reconciler maintains. A served value is rebuilt from the signed
 * bundle bytes stored at build time: the item, header, merkle path and signatures all come from those bytes, so what
 * the API serves is exactly what the ledger accepted (the reconciler matched it by hash). Decoded bundles are kept in
 * a small LRU because consecutive requests usually hit the newest few bundles.
 *
 * <p>Connections: every method holds at most one pooled connection at a time. The row mappers run while the query's
 * connection is held, so they never call out to anything that takes another one; the signer set's threshold is
 * resolved after the query returned (sets are never edited, so a found set is cached for good). Taking a second
 * connection while holding one deadlocked the pool under 24 concurrent API clients (issue 6, item 6).
 */
public final class PostgresReadModel implements OracleReadModel {
    private static final int CACHE_SIZE = 256;

    private final Jdbc jdbc;
    private final PublishStore publishStore;
    private final Supplier<List<Market>> markets;
    private final LongFunction<Optional<SignerSet>> signerSets;
    private final Map<Long, SignerSet> knownSets = new ConcurrentHashMap<>();
    private static final Map<Hash32, SignedBundle> DECODED = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Hash32, SignedBundle> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /**
     * @param markets the registry (market list in id order)
     * @param signerSets signer set lookup by id (the registry's sets)
     */
    public PostgresReadModel(Jdbc jdbc, PublishStore publishStore, Supplier<List<Market>> markets,
            LongFunction<Optional<SignerSet>> signerSets) {
        this.jdbc = jdbc;
        this.publishStore = publishStore;
        this.markets = markets;
        this.signerSets = signerSets;
    }

    @Override
    public List<MarketSnapshot> markets() {
        List<Market> all = markets.get();
        Map<String, ServedValue> latest = new HashMap<>();
        for (ServedValue v : jdbc.query("read.latest_all", LATEST_SQL, PostgresReadModel::servedValue)) {
            latest.put(v.marketId().value(), withThreshold(v));
        }
        Map<String, Status> statuses = new HashMap<>();
        String[] ids = all.stream().map(m -> m.id().value()).toArray(String[]::new);
        for (Status s : jdbc.query("read.status_all", STATUS_SQL, PostgresReadModel::status, (Object) ids)) {
            statuses.put(s.market(), s);
        }
        List<MarketSnapshot> out = new ArrayList<>(all.size());
        for (Market m : all) {
            out.add(snapshot(m, Optional.ofNullable(latest.get(m.id().value())),
                    Optional.ofNullable(statuses.get(m.id().value()))));
        }
        return out;
    }

    @Override
    public Optional<MarketSnapshot> market(MarketId id) {
        Optional<Market> market = markets.get().stream().filter(m -> m.id().equals(id)).findFirst();
        if (market.isEmpty()) {
            return Optional.empty();
        }
        Optional<Status> status = jdbc.queryOne("read.status_one", STATUS_SQL, PostgresReadModel::status,
                (Object) new String[] {id.value()});
        return Optional.of(snapshot(market.get(), latest(id), status));
    }

    @Override
    public Optional<ServedValue> latest(MarketId id) {
        return jdbc.queryOne("read.latest", LATEST_SQL.replace("/*filter*/", "WHERE l.market_id = ?"),
                PostgresReadModel::servedValue, id.value()).map(this::withThreshold);
    }

    @Override
    public Optional<ServedValue> epochValue(MarketId id, long epochId) {
        return jdbc.queryOne("read.epoch", """
                SELECT e.market_id, e.canonical_bundle_hash AS bundle_hash, e.canonical_leaf_index AS leaf_index,
                    e.last_slot AS reveal_slot, e.last_time_ms AS revealed_at_ms, b.signed_bytes, b.commit_hash,
                    b.commit_slot, e.status AS epoch_status, e.canonical_bundle_hash, e.canonical_leaf_index,
                    e.finalized_slot, b.traceparent
                FROM ledger_epochs e JOIN bundles b ON b.bundle_hash = e.canonical_bundle_hash
                WHERE e.market_id = ? AND e.epoch_id = ?""", PostgresReadModel::servedValue, id.value(), epochId)
                .map(this::withThreshold);
    }

    @Override
    public Optional<BundleRecord> bundle(Hash32 bundleHash) {
        return publishStore.find(bundleHash).map(PublishStore.StoredBundle::record);
    }

    @Override
    public Optional<SignerSet> signerSet(long id) {
        SignerSet known = knownSets.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<SignerSet> found = signerSets.apply(id);
        found.ifPresent(set -> knownSets.putIfAbsent(id, set));
        return found;
    }

    /** The value with the threshold of its header's signer set (0 when the set is unknown), looked up unheld. */
    private ServedValue withThreshold(ServedValue v) {
        int threshold = signerSet(v.signerSetId()).map(SignerSet::threshold).orElse(0);
        return new ServedValue(v.marketId(), v.item(), v.itemBytes(), v.headerBytes(), v.proof(), v.bundleHash(),
                v.signerSetId(), v.sequence(), threshold, v.signatures(), v.ledgerStatus(), v.commitHash(),
                v.commitSlot(), v.revealSlot(), v.finalizedSlot(), v.revealedAtMs(), v.traceparent());
    }

    // ------------------------------------------------------------------ internals

    private static final String LATEST_SQL = """
            SELECT l.market_id, l.bundle_hash, l.leaf_index, l.reveal_slot, l.revealed_at_ms, b.signed_bytes,
                b.commit_hash, b.commit_slot, e.status AS epoch_status, e.canonical_bundle_hash,
                e.canonical_leaf_index, e.finalized_slot, b.traceparent
            FROM market_latest l
            JOIN bundles b ON b.bundle_hash = l.bundle_hash
            LEFT JOIN ledger_epochs e ON e.market_id = l.market_id AND e.epoch_id = l.epoch_id
            /*filter*/""";

    /** Newest bundle per market (by build time) and its status, plus the market's own recorded problem. */
    private static final String STATUS_SQL = """
            SELECT m.market_id, nb.status, nb.problem, p.problem AS market_problem, p.at_ms AS problem_at_ms,
                nb.created_at_ms
            FROM unnest(?::text[]) AS m(market_id)
            LEFT JOIN LATERAL (
                SELECT b.status, b.problem, i.created_at_ms FROM bundle_items i
                JOIN bundles b ON b.bundle_hash = i.bundle_hash
                WHERE i.market_id = m.market_id ORDER BY i.created_at_ms DESC LIMIT 1) nb ON TRUE
            LEFT JOIN market_problems p ON p.market_id = m.market_id""";

    private record Status(String market, Optional<PublishStatus> status, Optional<String> problem) {}

    private static Status status(ResultSet rs) throws SQLException {
        String bundleStatus = rs.getString("status");
        String bundleProblem = rs.getString("problem");
        String marketProblem = rs.getString("market_problem");
        long problemAt = rs.getLong("problem_at_ms");
        long bundleAt = rs.getLong("created_at_ms");
        Optional<String> problem;
        if (marketProblem != null && problemAt >= bundleAt) {
            problem = Optional.of(marketProblem);
        } else if (bundleStatus != null && (bundleStatus.equals("FAILED") || bundleStatus.equals("MISMATCH"))) {
            problem = Optional.ofNullable(bundleProblem);
        } else {
            problem = Optional.empty();
        }
        return new Status(rs.getString("market_id"),
                Optional.ofNullable(bundleStatus).map(PublishStatus::valueOf), problem);
    }

    private static MarketSnapshot snapshot(Market m, Optional<ServedValue> latest, Optional<Status> status) {
        return new MarketSnapshot(m, latest, status.flatMap(Status::status), status.flatMap(Status::problem));
    }

    /** Maps a row while its connection is held: touches nothing but the row and the decode cache. */
    private static ServedValue servedValue(ResultSet rs) throws SQLException {
        Hash32 hash = Hash32.of(rs.getBytes("bundle_hash"));
        int leaf = rs.getInt("leaf_index");
        SignedBundle signed = decode(hash, rs.getBytes("signed_bytes"));
        EncodedBundle bundle = signed.bundle();
        var header = bundle.header();
        boolean finalized = "FINALIZED".equals(rs.getString("epoch_status"))
                && hash.equals(Hash32.of(rs.getBytes("canonical_bundle_hash")))
                && leaf == rs.getInt("canonical_leaf_index");
        long finalizedSlot = rs.getLong("finalized_slot");
        boolean hasFinalizedSlot = !rs.wasNull() && finalized;
        long commitSlot = rs.getLong("commit_slot");
        int threshold = 0; // resolved by withThreshold once the connection is back in the pool
        byte[] commit = rs.getBytes("commit_hash");
        return new ServedValue(bundle.bundle().items().get(leaf).marketId(), bundle.bundle().items().get(leaf),
                bundle.itemBytes(leaf), bundle.headerBytes(), bundle.proof(leaf), hash, header.signerSetId(),
                header.sequence(), threshold, signed.signatures(),
                finalized ? LedgerStatus.FINALIZED : LedgerStatus.REVEALED,
                commit == null ? Hash32.of(new byte[32]) : Hash32.of(commit), commitSlot, rs.getLong("reveal_slot"),
                hasFinalizedSlot ? OptionalLong.of(finalizedSlot) : OptionalLong.empty(),
                rs.getLong("revealed_at_ms"), Optional.ofNullable(rs.getString("traceparent")));
    }

    private static SignedBundle decode(Hash32 hash, byte[] signedBytes) {
        synchronized (DECODED) {
            SignedBundle cached = DECODED.get(hash);
            if (cached != null) {
                return cached;
            }
        }
        if (signedBytes == null) {
            throw new IllegalStateException("bundle " + hash.toHex() + " is served but has no signed bytes");
        }
        SignedBundle signed = BundleCodec.decodeSigned(signedBytes);
        if (!signed.bundle().bundleHash().equals(hash)) {
            throw new IllegalStateException("stored signed bytes of " + hash.toHex() + " hash to "
                    + signed.bundle().bundleHash().toHex());
        }
        synchronized (DECODED) {
            DECODED.put(hash, signed);
        }
        return signed;
    }
}
