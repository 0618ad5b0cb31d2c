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

    /**
     * A lifecycle for wiring that builds each service from what the ones before it opened (a process's composition
     * root): it is running from the start, {@link #start(Service)} starts a service at once and {@link #own} takes an
     * already open resource; {@link #close()} closes all of them in reverse order, as for a built lifecycle.
     */
    public static Lifecycle incremental() {
        Lifecycle lifecycle = new Lifecycle(List.of());
        lifecycle.state = State.RUNNING;
        return lifecycle;
    }

    /**
     * Starts {@code service} now and closes it with the others, after every service started later. For an
     * {@link #incremental()} lifecycle, or a built one that is running.
     *
     * @return {@code service}, started
     * @throws LifecycleException naming the service when its start fails (nothing else is closed: the caller owns
     *     the decision, typically {@link #close()} and rethrow)
     * @throws IllegalStateException when the lifecycle is not running
     */
    public synchronized <S extends Service> S start(S service) {
        Objects.requireNonNull(service, "service");
        if (state != State.RUNNING) {
            throw new IllegalStateException("lifecycle is " + state.name().toLowerCase(Locale.ROOT)
                    + ", cannot start " + service.name());
        }
        long begin = System.nanoTime();
        try {
            service.start();
        } catch (Exception | LinkageError e) {
            LOG.error("service {} failed to start after {} ms", service.name(), elapsedMs(begin), e);
            throw new LifecycleException(service.name(), e);
        }
        started.push(service);
        LOG.debug("service {} started in {} ms", service.name(), elapsedMs(begin));
        return service;
    }

    /**
     * Takes ownership of {@code resource}, already open: it is closed with the services, in reverse order of
     * ownership. A close that throws is logged and the others still close.
     *
     * @return {@code resource}
     * @throws IllegalStateException when the lifecycle is not running (the resource is closed then, so it does not
     *     leak)
     */
    public synchronized <C extends AutoCloseable> C own(String name, C resource) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(resource, "resource");
        if (state != State.RUNNING) {
            new Owned(name, resource).close();
            throw new IllegalStateException("lifecycle is " + state.name().toLowerCase(Locale.ROOT)
                    + ", cannot own " + name);
        }
        started.push(new Owned(name, resource));
        return resource;
    }

    /** The names of the services and resources it holds, in the order they will close. */
    public synchronized List<String> openNames() {
        return started.stream().map(Service::name).toList();
    }

    /** An already open resource as a service whose close is the resource's. */
    private record Owned(String name, AutoCloseable resource) implements Service {
        @Override
        public void start() {}

        @Override
        public void close() {
            try {
                resource.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(name + " failed to close: " + e, e);
            }
        }
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
