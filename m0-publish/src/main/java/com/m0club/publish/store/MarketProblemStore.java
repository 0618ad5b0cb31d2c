package com.m0club.publish.store;

import com.m0club.protocol.id.MarketId;
import com.m0club.store.postgres.Jdbc;

/**
 * Why a market did not publish on its latest tick (a guardrail block, a quorum failure, a ledger refusal), so the
 * API and dashboard can say it instead of showing a silently stale value. One row per market: the newest problem.
 */
public final class MarketProblemStore {
    private final Jdbc jdbc;

    public MarketProblemStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void record(MarketId market, String problem, long atMs) {
        jdbc.update("market_problem.record", """
                INSERT INTO market_problems (market_id, problem, at_ms) VALUES (?, ?, ?)
                ON CONFLICT (market_id) DO UPDATE SET problem = EXCLUDED.problem, at_ms = EXCLUDED.at_ms
                WHERE market_problems.at_ms <= EXCLUDED.at_ms""", market.value(), problem, atMs);
    }

    public void clear(MarketId market) {
        jdbc.update("market_problem.clear", "DELETE FROM market_problems WHERE market_id = ?", market.value());
    }
}
