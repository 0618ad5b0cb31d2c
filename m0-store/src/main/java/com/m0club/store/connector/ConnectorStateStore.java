package com.m0club.store.connector;

import com.m0club.protocol.id.SourceId;
import com.m0club.store.postgres.Database;
import com.m0club.store.postgres.Jdbc;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's switch for each quote connector, in PostgreSQL (table {@code connector_state}): {@code m0 connector
 * disable ID} and {@code enable ID} write it, every ingestor reads {@link #disabledIds()} every 2 s and drops the
 * quotes of a disabled connector (runbook 17.2, "disable a degraded connector"). A connector without a row is
 * enabled. Connector ids follow the source id rule ({@value SourceId#RULE}): an HTTP connector's id is its source id.
 */
public final class ConnectorStateStore {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorStateStore.class);
    /** Longest reason kept. */
    public static final int MAX_REASON = 500;

    private final Jdbc jdbc;
    private final InstantSource clock;

    public ConnectorStateStore(Database database, InstantSource clock) {
        this.jdbc = Objects.requireNonNull(database, "database").jdbc();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * One connector's stored state.
     *
     * @param connectorId the connector
     * @param disabled true when its quotes are dropped
     * @param reason why it was last changed (the operator's words, or the command's default)
     * @param changedAtMs when it was last changed (UTC ms)
     */
    public record ConnectorState(String connectorId, boolean disabled, String reason, long changedAtMs) {
        public ConnectorState {
            Objects.requireNonNull(connectorId, "connectorId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Disables {@code connectorId} (idempotent; the reason and time are updated). */
    public ConnectorState disable(String connectorId, String reason) {
        return set(connectorId, true, reason);
    }

    /** Enables {@code connectorId} again (idempotent; the row is kept with the reason and time). */
    public ConnectorState enable(String connectorId, String reason) {
        return set(connectorId, false, reason);
    }

    private ConnectorState set(String connectorId, boolean disabled, String reason) {
        SourceId.validate("connector_id", connectorId);
        Objects.requireNonNull(reason, "reason");
        String why = reason.strip();
        if (why.isEmpty() || why.length() > MAX_REASON) {
            throw new IllegalArgumentException("reason: must be 1.." + MAX_REASON + " characters, got "
                    + why.length());
        }
        long now = clock.millis();
        jdbc.update("connector_state.set", "INSERT INTO connector_state (connector_id, disabled, reason,"
                + " changed_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT (connector_id) DO UPDATE SET disabled ="
                + " EXCLUDED.disabled, reason = EXCLUDED.reason, changed_at_ms = EXCLUDED.changed_at_ms",
                connectorId, disabled, why, now);
        LOG.info("connector {} {} ({})", connectorId, disabled ? "disabled" : "enabled", why);
        return new ConnectorState(connectorId, disabled, why, now);
    }

    /** The stored state of {@code connectorId}; empty when it was never changed (so it is enabled). */
    public Optional<ConnectorState> get(String connectorId) {
        SourceId.validate("connector_id", connectorId);
        return jdbc.queryOne("connector_state.get", "SELECT connector_id, disabled, reason, changed_at_ms FROM"
                + " connector_state WHERE connector_id = ?", ConnectorStateStore::row, connectorId);
    }

    /** Every stored state, by connector id. */
    public List<ConnectorState> list() {
        return jdbc.query("connector_state.list", "SELECT connector_id, disabled, reason, changed_at_ms FROM"
                + " connector_state ORDER BY connector_id", ConnectorStateStore::row);
    }

    /** The ids of the disabled connectors (what each ingestor polls). */
    public Set<String> disabledIds() {
        return new TreeSet<>(jdbc.query("connector_state.disabled", "SELECT connector_id FROM connector_state"
                + " WHERE disabled", r -> r.getString(1)));
    }

    private static ConnectorState row(java.sql.ResultSet r) throws java.sql.SQLException {
        return new ConnectorState(r.getString(1), r.getBoolean(2), r.getString(3), r.getLong(4));
    }
}
