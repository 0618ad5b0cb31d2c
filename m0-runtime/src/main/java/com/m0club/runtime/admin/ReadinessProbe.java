package com.m0club.runtime.admin;

import com.m0club.runtime.log.Redactor;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every {@link ReadinessCheck} in parallel on virtual threads, each bounded by the same timeout, and reports
 * which are up. A check that throws, returns nothing or exceeds the timeout is down, and each down result
 * increments {@code m0_readiness_check_failures_total{check}}.
 *
 * <p>A check still running from an earlier probe (it ignored the interrupt after its timeout) is not started
 * again: it is reported down until it returns, so a hung dependency cannot make probes pile up threads.
 */
public final class ReadinessProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessProbe.class);

    private final List<Guarded> checks;
    private final Duration timeout;
    private final Counter failures;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * @param checks the checks; names must be distinct (they are metric labels)
     * @param timeout per-check limit, positive
     * @param registry where the failure counter is registered
     */
    public ReadinessProbe(List<ReadinessCheck> checks, Duration timeout, PrometheusRegistry registry) {
        Objects.requireNonNull(checks, "checks");
        Objects.requireNonNull(registry, "registry");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("readiness timeout must be positive, got " + timeout);
        }
        Set<String> names = new HashSet<>();
        List<Guarded> guarded = new ArrayList<>();
        for (ReadinessCheck check : checks) {
            Objects.requireNonNull(check, "check");
            if (!names.add(check.name())) {
                throw new IllegalArgumentException("two readiness checks are named " + check.name());
            }
            guarded.add(new Guarded(check, new AtomicBoolean(), new AtomicReference<>()));
        }
        this.checks = List.copyOf(guarded);
        this.failures = Counter.builder()
                .name("m0_readiness_check_failures_total")
                .help("Readiness checks that reported down, threw or timed out")
                .labelNames("check")
                .register(registry);
        // Export every check's series at 0 so a rate() works from the first failure on.
        for (Guarded check : this.checks) {
            failures.labelValues(check.check().name());
        }
    }

    public Duration timeout() {
        return timeout;
    }

    /** Runs all checks and waits at most about one timeout in total. */
    public ReadinessReport run() {
        long begin = System.nanoTime();
        long deadline = begin + timeout.toNanos();
        List<CompletableFuture<Timed>> futures = new ArrayList<>(checks.size());
        for (Guarded check : checks) {
            futures.add(submit(check));
        }
        List<ReadinessReport.Outcome> outcomes = new ArrayList<>(checks.size());
        for (int i = 0; i < checks.size(); i++) {
            ReadinessReport.Outcome outcome = await(checks.get(i), futures.get(i), deadline, begin);
            if (!outcome.up()) {
                failures.labelValues(outcome.name()).inc();
                LOG.warn("readiness check {} is down: {}", outcome.name(), outcome.detail());
            }
            outcomes.add(outcome);
        }
        return new ReadinessReport(outcomes);
    }

    /** Interrupts running checks and stops accepting new ones. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    /**
     * Starts one check on its own virtual thread. A plain {@code Runnable} (not a {@code FutureTask}) is used so
     * that the finally block always runs and clears the in-flight flag, even when the caller gives up early.
     */
    private CompletableFuture<Timed> submit(Guarded guarded) {
        if (!guarded.running().compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(new Timed(
                    CheckResult.down("previous run still in progress (exceeded the " + timeout.toMillis()
                            + " ms timeout)"), 0));
        }
        CompletableFuture<Timed> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                guarded.thread().set(Thread.currentThread());
                long start = System.nanoTime();
                try {
                    CheckResult outcome = guarded.check().check();
                    result.complete(new Timed(outcome == null ? CheckResult.down("check returned no result")
                            : outcome, elapsedMs(start)));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                } finally {
                    guarded.thread().set(null);
                    guarded.running().set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            guarded.running().set(false);
            result.complete(new Timed(CheckResult.down("shutting down"), 0));
        }
        return result;
    }

    private ReadinessReport.Outcome await(Guarded guarded, Future<Timed> future, long deadline, long begin) {
        String name = guarded.check().name();
        try {
            Timed timed = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new ReadinessReport.Outcome(name, timed.result().up(), timed.result().degraded(),
                    Redactor.redact(timed.result().detail()), timed.latencyMs());
        } catch (TimeoutException e) {
            interrupt(guarded);
            return new ReadinessReport.Outcome(name, false, "timed out after " + timeout.toMillis() + " ms",
                    elapsedMs(begin));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
            return new ReadinessReport.Outcome(name, false,
                    Redactor.redact(cause.getClass().getSimpleName() + message), elapsedMs(begin));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            interrupt(guarded);
            return new ReadinessReport.Outcome(name, false, "interrupted", elapsedMs(begin));
        }
    }

    private static void interrupt(Guarded guarded) {
        Thread thread = guarded.thread().get();
        if (thread != null) {
            thread.interrupt();
        }
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** A check plus whether a run is in flight and on which thread (to interrupt it on timeout). */
    private record Guarded(ReadinessCheck check, AtomicBoolean running, AtomicReference<Thread> thread) {
    }

    private record Timed(CheckResult result, long latencyMs) {
    }
}
