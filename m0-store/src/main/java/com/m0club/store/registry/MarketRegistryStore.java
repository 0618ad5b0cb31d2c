package com.m0club.store.registry;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.time.EpochSchedule;
import com.m0club.store.StoreConflictException;
import com.m0club.store.StoreNotFoundException;
import com.m0club.store.postgres.Database;
import com.m0club.store.postgres.Jdbc;
import com.m0club.store.postgres.RowMapper;
import com.m0club.store.postgres.Transaction;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The market registry in PostgreSQL (tables {@code markets} and {@code market_status_changes}).
 *
 * <p>Two kinds of writes, kept apart on purpose:
 * <ul>
 *   <li>{@link #upsert(Market)} writes a market's <em>definition</em> (title, tier, schedule, timing): what
 *       {@code m0 registry seed} does from {@code markets.toml}. It is idempotent. It sets the status only when it
 *       creates the market: the status of an existing market is operational state (an operator may have paused it),
 *       and re-seeding must not silently resume it. Domain and outcomes identify what a market means and what its
 *       past items refer to, so changing them is refused: create a new market id instead.</li>
 *   <li>{@link #setStatus} moves a market through its lifecycle, enforcing {@link MarketStatus#canMoveTo} and
 *       recording every change with its reason.</li>
 * </ul>
 */
public final class MarketRegistryStore {
    private static final Logger LOG = LoggerFactory.getLogger(MarketRegistryStore.class);
    private static final String COLUMNS = "market_id, domain, title, tier, outcomes, epoch_window_ms,"
            + " publish_cadence_ms, finalization_delay_ms, max_reveal_delay_ms, max_commit_staleness_ms,"
            + " max_clock_skew_ms, status";

    private final Jdbc jdbc;
    private final InstantSource clock;

    public MarketRegistryStore(Database database, InstantSource clock) {
        this.jdbc = Objects.requireNonNull(database, "database").jdbc();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What {@link #upsert} did. */
    public enum Change {
        INSERTED,
        UPDATED,
        UNCHANGED
    }

    /**
     * The result of an upsert: what changed and the market as now stored. For an existing market the stored status
     * is kept, so {@code stored().status()} may differ from the status that was passed in.
     */
    public record Upserted(Change change, Market stored) {}

    /** One recorded status change; {@code from} is empty for the status a market was created with. */
    public record StatusChange(MarketId marketId, Optional<MarketStatus> from, MarketStatus to, long atMs,
            String reason) {}

    /**
     * Creates the market, or updates its definition. Idempotent: the same market twice changes nothing the second
     * time (not even {@code updated_at_ms}).
     *
     * @throws StoreConflictException when the market exists with another domain or other outcomes
     */
    public Upserted upsert(Market market) {
        Objects.requireNonNull(market, "market");
        String op = "markets.upsert";
        return jdbc.inTransaction(op, tx -> {
            long now = clock.millis();
            Optional<Market> existing = lockedGet(tx, market.id());
            if (existing.isEmpty()) {
                int inserted = tx.update("INSERT INTO markets (" + COLUMNS + ", created_at_ms, updated_at_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (market_id) DO NOTHING",
                        values(market, now, now));
                if (inserted == 1) {
                    recordChange(tx, market.id(), null, market.status(), now, "created");
                    LOG.info("market {} created ({}, {}, status {})", market.id(), market.domain(), market.tier(),
                            market.status());
                    return new Upserted(Change.INSERTED, market);
                }
                // Inserted concurrently by another seeder since our read: continue as an update of that row.
                existing = lockedGet(tx, market.id());
            }
            Market stored = existing.orElseThrow();
            if (stored.domain() != market.domain()) {
                throw jdbc.metrics().conflict(op, "market " + market.id() + " has domain " + stored.domain()
                        + "; a market's domain never changes (got " + market.domain() + "): use a new market id");
            }
            if (!stored.outcomes().equals(market.outcomes())) {
                throw jdbc.metrics().conflict(op, "market " + market.id() + " has outcomes " + stored.outcomes()
                        + "; outcomes never change once published against (got " + market.outcomes()
                        + "): use a new market id");
            }
            Market wanted = market.withStatus(stored.status());
            if (wanted.equals(stored)) {
                return new Upserted(Change.UNCHANGED, stored);
            }
            tx.update("UPDATE markets SET title = ?, tier = ?, epoch_window_ms = ?, publish_cadence_ms = ?,"
                    + " finalization_delay_ms = ?, max_reveal_delay_ms = ?, max_commit_staleness_ms = ?,"
                    + " max_clock_skew_ms = ?, updated_at_ms = ? WHERE market_id = ?",
                    wanted.title(), wanted.tier(), wanted.schedule().epochWindowMs(),
                    wanted.schedule().publishCadenceMs(), wanted.timing().finalizationDelayMs(),
                    wanted.timing().maxRevealDelayMs(), wanted.timing().maxCommitStalenessMs(),
                    wanted.timing().maxClockSkewMs(), now, wanted.id().value());
            LOG.info("market {} definition updated: {}", market.id(), describeDiff(stored, wanted));
            return new Upserted(Change.UPDATED, wanted);
        });
    }

    public Optional<Market> get(MarketId id) {
        Objects.requireNonNull(id, "id");
        return jdbc.queryOne("markets.get", "SELECT " + COLUMNS + " FROM markets WHERE market_id = ?", MARKET,
                id.value());
    }

    /** Every market, in market id (canonical) order. */
    public List<Market> list() {
        return jdbc.query("markets.list", "SELECT " + COLUMNS + " FROM markets ORDER BY market_id COLLATE \"C\"",
                MARKET);
    }

    /**
     * Moves a market to {@code next} and records the change. Asking for the status it already has is a no-op (an
     * operator may pause twice); anything {@link MarketStatus#canMoveTo} forbids is refused.
     *
     * @return the market as now stored
     * @throws StoreNotFoundException when the market is not registered
     * @throws StoreConflictException when the lifecycle forbids the move
     */
    public Market setStatus(MarketId id, MarketStatus next, String reason) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(next, "next");
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason: is required (it is recorded with the status change)");
        }
        String op = "markets.set_status";
        return jdbc.inTransaction(op, tx -> {
            Market stored = lockedGet(tx, id).orElseThrow(
                    () -> jdbc.metrics().notFound(op, "market " + id + " is not registered"));
            MarketStatus from = stored.status();
            if (from == next) {
                return stored;
            }
            if (!from.canMoveTo(next)) {
                String allowed = Arrays.stream(MarketStatus.values()).filter(from::canMoveTo).map(Enum::name)
                        .collect(Collectors.joining(", "));
                throw jdbc.metrics().conflict(op, "market " + id + " cannot move from " + from + " to " + next
                        + " (from " + from + " it may move to: "
                        + (allowed.isEmpty() ? "nothing, it is final" : allowed) + ")");
            }
            long now = clock.millis();
            tx.update("UPDATE markets SET status = ?, updated_at_ms = ? WHERE market_id = ?", next, now, id.value());
            recordChange(tx, id, from, next, now, reason.strip());
            LOG.info("market {} status {} -> {}: {}", id, from, next, reason.strip());
            return stored.withStatus(next);
        });
    }

    /** The recorded status changes of a market, oldest first. */
    public List<StatusChange> statusHistory(MarketId id) {
        return jdbc.query("markets.status_history", "SELECT market_id, from_status, to_status, at_ms, reason"
                + " FROM market_status_changes WHERE market_id = ? ORDER BY change_id", row -> new StatusChange(
                        MarketId.of(row.getString(1)),
                        Optional.ofNullable(row.getString(2)).map(MarketStatus::valueOf),
                        MarketStatus.valueOf(row.getString(3)), row.getLong(4), row.getString(5)),
                id.value());
    }

    private static Optional<Market> lockedGet(Transaction tx, MarketId id) throws SQLException {
        return tx.queryOne("SELECT " + COLUMNS + " FROM markets WHERE market_id = ? FOR UPDATE", MARKET, id.value());
    }

    private static void recordChange(Transaction tx, MarketId id, MarketStatus from, MarketStatus to, long atMs,
            String reason) throws SQLException {
        tx.update("INSERT INTO market_status_changes (market_id, from_status, to_status, at_ms, reason)"
                + " VALUES (?, ?, ?, ?, ?)", id.value(), from == null ? null : from.name(), to, atMs, reason);
    }

    private static Object[] values(Market m, long createdAtMs, long updatedAtMs) {
        return new Object[] {
            m.id().value(), m.domain(), m.title(), m.tier(),
            m.outcomes().stream().map(OutcomeId::value).toArray(String[]::new),
            m.schedule().epochWindowMs(), m.schedule().publishCadenceMs(),
            m.timing().finalizationDelayMs(), m.timing().maxRevealDelayMs(), m.timing().maxCommitStalenessMs(),
            m.timing().maxClockSkewMs(), m.status(), createdAtMs, updatedAtMs
        };
    }

    private static String describeDiff(Market a, Market b) {
        List<String> diffs = new ArrayList<>();
        if (!a.title().equals(b.title())) {
            diffs.add("title");
        }
        if (a.tier() != b.tier()) {
            diffs.add("tier " + a.tier() + " -> " + b.tier());
        }
        if (!a.schedule().equals(b.schedule())) {
            diffs.add("schedule " + a.schedule() + " -> " + b.schedule());
        }
        if (!a.timing().equals(b.timing())) {
            diffs.add("timing " + a.timing() + " -> " + b.timing());
        }
        return String.join(", ", diffs);
    }

    private static final RowMapper<Market> MARKET = MarketRegistryStore::mapMarket;

    private static Market mapMarket(ResultSet row) throws SQLException {
        Array array = row.getArray("outcomes");
        String[] outcomes = (String[]) array.getArray();
        array.free();
        return new Market(
                MarketId.of(row.getString("market_id")),
                Domain.valueOf(row.getString("domain")),
                row.getString("title"),
                Tier.valueOf(row.getString("tier")),
                Arrays.stream(outcomes).map(OutcomeId::of).toList(),
                new EpochSchedule(row.getLong("epoch_window_ms"), row.getLong("publish_cadence_ms")),
                new LedgerTiming(row.getLong("finalization_delay_ms"), row.getLong("max_reveal_delay_ms"),
                        row.getLong("max_commit_staleness_ms"), row.getLong("max_clock_skew_ms")),
                MarketStatus.valueOf(row.getString("status")));
    }
}
