package com.m0club.app.roles;

import com.m0club.runtime.lifecycle.Service;
import io.prometheus.metrics.core.metrics.Counter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task at a fixed delay on its own thread, as a {@link Service}. A task that throws is counted under
 * {@code m0_role_task_errors_total{task}} and logged, and runs again next period: one bad tick must not stop a role.
 */
public final class Periodic implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

    /** The work of one period. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final String name;
    private final Duration period;
    private final Task task;
    private final Counter errors;
    private ScheduledExecutorService executor;

    public Periodic(String name, Duration period, Task task, Counter errors) {
        this.name = name;
        this.period = period;
        this.task = task;
        this.errors = errors;
    }

    /** The shared error counter; register it once per registry. */
    public static Counter errorCounter(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
        return Counter.builder().name("m0_role_task_errors_total")
                .help("Periodic role tasks that threw, by task").labelNames("task").register(registry);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("m0-" + name).daemon()
                .factory());
        executor.scheduleWithFixedDelay(this::runOnce, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        try {
            task.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            errors.labelValues(name).inc();
            LOG.warn("{} failed: {}", name, e.toString(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("{} did not stop within 10 s", name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }
}
