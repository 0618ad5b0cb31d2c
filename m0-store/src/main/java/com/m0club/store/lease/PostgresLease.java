package com.m0club.store.lease;

import com.m0club.store.postgres.Database;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lease among the processes of one database schema, held as a PostgreSQL session advisory lock on a
 * connection of its own: whoever holds the lock holds the lease, and the lease ends with the connection. A holder
 * killed with SIGKILL closes its socket, so PostgreSQL drops the lock at once and a waiting process acquires it on its
 * next attempt; a holder cut off by the network loses it when the server notices the dead connection (TCP keepalive)
 * and notices itself on its next {@link #stillHeld()}.
 *
 * <p>The lock key is {@code (0x4D30, hash(name "/" schema))}, so two schemas on one server (tests, environments) never
 * share a lease. Not thread-safe: one owner thread calls it.
 *
 * <p>Metrics: {@code m0_lease_held{lease}} (1 while held), {@code m0_lease_acquired_total{lease}},
 * {@code m0_lease_lost_total{lease}} and {@code m0_lease_errors_total{lease}} (a database error while acquiring or
 * checking).
 */
public final class PostgresLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresLease.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final int CLASS_ID = 0x4D30; // "M0"

    private final Database database;
    private final String name;
    private final int objectId;
    private final Gauge held;
    private final Counter acquired;
    private final Counter lost;
    private final Counter errors;
    private Connection session;
    private boolean holding;

    /**
     * @param name the lease, for example {@code submitter}: {@code [a-z][a-z0-9-]{0,62}}
     */
    public PostgresLease(Database database, String name, PrometheusRegistry registry) {
        this.database = Objects.requireNonNull(database, "database");
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: must match " + NAME + ", got \"" + name + "\"");
        }
        this.name = name;
        this.objectId = objectId(name, database.schema().orElse("public"));
        Objects.requireNonNull(registry, "registry");
        this.held = Gauge.builder().name("m0_lease_held").help("1 while this process holds the lease, by lease")
                .labelNames("lease").register(registry);
        this.acquired = Counter.builder().name("m0_lease_acquired_total")
                .help("Times this process acquired the lease, by lease").labelNames("lease").register(registry);
        this.lost = Counter.builder().name("m0_lease_lost_total")
                .help("Times this process found its lease gone (its connection failed), by lease")
                .labelNames("lease").register(registry);
        this.errors = Counter.builder().name("m0_lease_errors_total")
                .help("Database errors while acquiring or checking the lease, by lease").labelNames("lease")
                .register(registry);
        held.labelValues(name).set(0);
    }

    /** The lock's object id: FNV-1a over {@code name "/" schema}, so it is the same on every JVM. */
    static int objectId(String name, String schema) {
        int h = 0x811c9dc5;
        for (byte b : (name + "/" + schema).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x01000193;
        }
        return h;
    }

    public String name() {
        return name;
    }

    /**
     * Takes the lease if no other process holds it; true when this process holds it afterwards (also when it already
     * did). A database error counts, is logged and returns false.
     */
    public boolean tryAcquire() {
        if (holding) {
            return stillHeld();
        }
        try {
            if (session == null || session.isClosed()) {
                session = database.openSession("m0-lease-" + name);
            }
            try (PreparedStatement st = session.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                st.setInt(1, CLASS_ID);
                st.setInt(2, objectId);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    holding = rs.getBoolean(1);
                }
            }
        } catch (SQLException e) {
            errors.labelValues(name).inc();
            LOG.warn("lease {}: could not try the lock: {}", name, e.getMessage());
            dropSession();
            return false;
        }
        if (holding) {
            acquired.labelValues(name).inc();
            held.labelValues(name).set(1);
            LOG.info("lease {}: acquired ({})", name, database.describe());
        }
        return holding;
    }

    /**
     * True while the lease's connection is alive and still holds the lock. When it is not, the lease is lost: counted,
     * logged, and the connection dropped (a later {@link #tryAcquire()} competes again).
     */
    public boolean stillHeld() {
        if (!holding) {
            return false;
        }
        try (PreparedStatement st = session.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype ="
                + " 'advisory' AND granted AND pid = pg_backend_pid() AND classid = ? AND objid = ? AND objsubid = 2")) {
            st.setQueryTimeout(5);
            st.setLong(1, CLASS_ID);
            st.setLong(2, Integer.toUnsignedLong(objectId));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return true;
                }
            }
            LOG.error("lease {}: the lock is no longer held by this session", name);
        } catch (SQLException e) {
            errors.labelValues(name).inc();
            LOG.error("lease {}: lost (its connection failed: {})", name, e.getMessage());
        }
        lose();
        return false;
    }

    private void lose() {
        holding = false;
        lost.labelValues(name).inc();
        held.labelValues(name).set(0);
        dropSession();
    }

    /** Gives the lease up (closing its connection releases the lock). Idempotent. */
    public void release() {
        if (holding) {
            LOG.info("lease {}: released", name);
        }
        holding = false;
        held.labelValues(name).set(0);
        dropSession();
    }

    private void dropSession() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                LOG.debug("lease {}: closing its connection: {}", name, e.toString());
            }
            session = null;
        }
    }

    @Override
    public void close() {
        release();
    }
}
