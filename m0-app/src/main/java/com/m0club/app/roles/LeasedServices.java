package com.m0club.app.roles;

import com.m0club.runtime.lifecycle.Service;
import com.m0club.store.lease.PostgresLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a group of services only while this process holds a {@link PostgresLease}: the way two submitter replicas
 * never both submit. A standby tries the lease every {@code checkEvery}; the holder checks it is still held as
 * often, and when it is not (its database connection failed), stops the services at once and competes again.
 *
 * <p>The services are built once and started and closed each time the lease is won and lost, so they must be
 * restartable ({@link Periodic} and {@link SubmitterRole} are). A start that fails closes what it started, gives the
 * lease up and is tried again after {@code checkEvery}.
 *
 * <p>Handover: when the holder dies, PostgreSQL drops its lock with its connection, and the standby takes over
 * within one {@code checkEvery} (plus the services' start, which for the submitter includes the commit audit).
 */
public final class LeasedServices implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(LeasedServices.class);

    private final PostgresLease lease;
    private final List<Service> services;
    private final Duration checkEvery;
    private final List<Service> started = new ArrayList<>();
    private Thread loop;
    private volatile boolean running;
    private volatile boolean leading;

    public LeasedServices(PostgresLease lease, List<Service> services, Duration checkEvery) {
        this.lease = Objects.requireNonNull(lease, "lease");
        this.services = List.copyOf(Objects.requireNonNull(services, "services"));
        this.checkEvery = Objects.requireNonNull(checkEvery, "checkEvery");
        if (checkEvery.isNegative() || checkEvery.isZero()) {
            throw new IllegalArgumentException("checkEvery: must be > 0, got " + checkEvery);
        }
    }

    @Override
    public String name() {
        return "lease-" + lease.name();
    }

    /** True while this process holds the lease and its services run. */
    public boolean leading() {
        return leading;
    }

    @Override
    public synchronized void start() {
        running = true;
        loop = Thread.ofPlatform().name("m0-lease-" + lease.name()).daemon().start(this::run);
    }

    private void run() {
        boolean waitingLogged = false;
        while (running) {
            synchronized (this) {
                if (!running) {
                    return;
                }
                if (!leading && lease.tryAcquire()) {
                    leading = startAll();
                    waitingLogged = false;
                } else if (leading && !lease.stillHeld()) {
                    LOG.error("lease {} lost: stopping {} until it is won again", lease.name(), names());
                    stopAll();
                    leading = false;
                } else if (!leading && !waitingLogged) {
                    LOG.info("lease {} is held by another process: {} on standby", lease.name(), names());
                    waitingLogged = true;
                }
            }
            try {
                Thread.sleep(checkEvery);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean startAll() {
        try {
            for (Service s : services) {
                s.start();
                started.add(s);
            }
            LOG.info("lease {} won: started {}", lease.name(), names());
            return true;
        } catch (Exception e) {
            LOG.error("lease {}: starting {} failed, giving the lease up: {}", lease.name(), names(), e.toString(), e);
            stopAll();
            lease.release();
            return false;
        }
    }

    private void stopAll() {
        for (Service s : started.reversed()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("closing {} failed: {}", s.name(), e.toString());
            }
        }
        started.clear();
    }

    private List<String> names() {
        return services.stream().map(Service::name).toList();
    }

    @Override
    public void close() {
        running = false;
        Thread t = loop;
        if (t != null) {
            t.interrupt();
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            stopAll();
            leading = false;
            lease.release();
        }
    }
}
