package com.m0club.runtime.lifecycle;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a process's services in order and closes them in reverse, so a service may rely on everything added
 * before it (the admin server starts first, so probes answer while the rest starts; the database pool before its
 * users).
 *
 * <p>If a service fails to start, the ones already started are closed in reverse and a
 * {@link LifecycleException} names the failed one. {@link #close()} is idempotent, closes in reverse order,
 * and continues past a failing service (logging it) so one bad close does not leak the rest. A JVM shutdown hook
 * (SIGTERM from Kubernetes) can drive {@link #close()}; {@link #awaitShutdown()} blocks the main thread until
 * then.
 */
public final class Lifecycle implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private enum State {
        NEW,
        STARTING,
        RUNNING,
        CLOSED
    }

    private final List<Service> services;
    private final Deque<Service> started = new ArrayDeque<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private State state = State.NEW;
    private Thread shutdownHook;

    private Lifecycle(List<Service> services) {
        this.services = List.copyOf(services);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The services in start order. */
    public List<Service> services() {
        return services;
    }

    /**
     * Starts every service in order, logging each with its start time.
     *
     * @throws LifecycleException naming the first service that failed (the started ones are closed by then)
     * @throws IllegalStateException if already started or closed
     */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("lifecycle already " + state.name().toLowerCase(Locale.ROOT));
        }
        state = State.STARTING;
        for (Service service : services) {
            long begin = System.nanoTime();
            try {
                service.start();
            } catch (Exception | LinkageError e) {
                LOG.error("service {} failed to start after {} ms; closing {} started service(s)", service.name(),
                        elapsedMs(begin), started.size(), e);
                closeStarted();
                state = State.CLOSED;
                closed.countDown();
                throw new LifecycleException(service.name(), e);
            }
            started.push(service);
            LOG.info("service {} started in {} ms", service.name(), elapsedMs(begin));
        }
        state = State.RUNNING;
    }

    /** True between a successful {@link #start()} and {@link #close()}. */
    public synchronized boolean isRunning() {
        return state == State.RUNNING;
    }

    /** Closes started services in reverse order; idempotent; never throws for a service's failure. */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            closeStarted();
            removeShutdownHook();
        }
        closed.countDown();
    }

    /**
     * Registers a JVM shutdown hook that calls {@link #close()}, so SIGTERM closes services cleanly. Removed again
     * by {@link #close()} when that runs first. Idempotent.
     */
    public synchronized void installShutdownHook() {
        if (shutdownHook != null || state == State.CLOSED) {
            return;
        }
        Thread hook = new Thread(this::close, "m0-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
    }

    /** Blocks until {@link #close()} has completed (or a failed start has cleaned up). */
    public void awaitShutdown() throws InterruptedException {
        closed.await();
    }

    /** Like {@link #awaitShutdown()} with a limit; true if closed within it. */
    public boolean awaitShutdown(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void closeStarted() {
        while (!started.isEmpty()) {
            Service service = started.pop();
            long begin = System.nanoTime();
            try {
                service.close();
                LOG.info("service {} closed in {} ms", service.name(), elapsedMs(begin));
            } catch (RuntimeException | LinkageError e) {
                LOG.error("service {} failed to close; continuing with the others", service.name(), e);
            }
        }
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        shutdownHook = null;
        if (hook == null || Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook is running or about to, and close() is idempotent.
        }
    }

    private static long elapsedMs(long beginNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beginNanos);
    }

    /** Collects services in start order. */
    public static final class Builder {
        private final List<Service> services = new ArrayList<>();

        private Builder() {
        }

        /** Adds a service; it starts after those added before it and closes before them. */
        public Builder add(Service service) {
            services.add(Objects.requireNonNull(service, "service"));
            return this;
        }

        public Lifecycle build() {
            return new Lifecycle(services);
        }
    }
}
