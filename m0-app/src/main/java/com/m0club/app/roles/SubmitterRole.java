package com.m0club.app.roles;

import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import com.m0club.publish.bundle.BundleRef;
import com.m0club.publish.submit.BundleRefResolver;
import com.m0club.publish.submit.Submitter;
import com.m0club.publish.submit.Submitter.Outcome;
import com.m0club.publish.submit.Submitter.Pending;
import com.m0club.runtime.lifecycle.Service;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submitter role: takes references to signed bundles from {@code m0.bundles}, loads each from PostgreSQL
 * ({@link BundleRefResolver}: a reference that names no stored bundle, or another hash, is counted and dropped) and
 * drives each through commit and reveal on {@code publish_concurrency} workers: each commits its bundle at once and
 * reveals it only when no lower sequence of its signer set is still pending, so the ledger sees every set's reveals
 * in rising order however many bundles are in flight. On start it first runs the startup check (if given) and resumes what a previous
 * run left SIGNED or COMMITTED, so a restart loses nothing and commits nothing twice.
 *
 * <p>Without a restart, too: every {@code resumeInterval} a resume pass re-reads the non-terminal bundles from the
 * store and queues those it does not hold (a hand-off that was lost), and a bundle whose submission was interrupted
 * (a database write that kept failing after its commit landed, a ledger that could not be reached while its reveal
 * window is open) stays at the head of the queue and is retried after {@code resumeInterval}: later sequences wait,
 * because the ledger accepts a set's reveals only in rising sequence order.
 */
public final class SubmitterRole implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(SubmitterRole.class);
    private static final Comparator<Pending> ORDER = Comparator.comparingLong(Pending::signerSetId)
            .thenComparingLong(Pending::sequence);

    private final Submitter submitter;
    private final EventLog eventLog;
    private final BundleRefResolver refs;
    private final Topic<BundleRef> topic;
    private final Duration resumeInterval;
    private final Runnable startupCheck;
    private final int concurrency;
    private final Counter resumes;
    /** Bundles waiting for a worker, lowest (set, sequence) first. Guards itself, {@link #inFlight} and the pass. */
    private final TreeSet<Pending> queue = new TreeSet<>(ORDER);
    /** Bundles a worker holds (submitting, or waiting to retry). */
    private final TreeSet<Pending> inFlight = new TreeSet<>(ORDER);
    private final List<Thread> workers = new ArrayList<>();
    private Subscription subscription;
    private volatile boolean running;
    private long nextResumePassNanos;

    public SubmitterRole(Submitter submitter, BundleRefResolver refs, EventLog eventLog, Topic<BundleRef> topic) {
        this(submitter, refs, eventLog, topic, Duration.ofSeconds(5), () -> {}, new PrometheusRegistry(), 1);
    }

    /**
     * @param resumeInterval period of the resume pass and the wait before retrying an interrupted bundle
     * @param startupCheck run once on start before anything is resumed (the ledger-commit audit)
     * @param concurrency bundles in flight at most ({@code publish_concurrency}): each worker commits its bundle at
     *     once and reveals it only when no lower sequence of its signer set is still pending
     */
    public SubmitterRole(Submitter submitter, BundleRefResolver refs, EventLog eventLog, Topic<BundleRef> topic,
            Duration resumeInterval, Runnable startupCheck, PrometheusRegistry registry, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency: must be >= 1, got " + concurrency);
        }
        this.submitter = submitter;
        this.refs = refs;
        this.eventLog = eventLog;
        this.topic = topic;
        this.resumeInterval = resumeInterval;
        this.startupCheck = startupCheck;
        this.concurrency = concurrency;
        this.resumes = Counter.builder().name("m0_submitter_resumes_total")
                .help("Bundles the submitter role took up again without a restart, by why: retry (its submission"
                        + " was interrupted), resume_pass (found non-terminal in the store) or gave_way (committed,"
                        + " its reveal waited for a lower sequence of its set)")
                .labelNames("why").register(registry);
    }

    @Override
    public String name() {
        return "submitter";
    }

    @Override
    public void start() {
        running = true;
        startupCheck.run();
        int resumed = resumePass();
        if (resumed > 0) {
            LOG.info("resuming {} bundles left signed or committed by the previous run", resumed);
        }
        subscription = eventLog.subscribe(topic, "submitter", r -> refs.resolve(r.value()).ifPresent(this::enqueue));
        synchronized (queue) {
            nextResumePassNanos = System.nanoTime() + resumeInterval.toNanos();
        }
        for (int i = 0; i < concurrency; i++) {
            workers.add(Thread.ofPlatform().name("m0-submitter-" + i).daemon().start(this::work));
        }
    }

    private boolean enqueue(Pending p) {
        synchronized (queue) {
            if (inFlight.contains(p)) {
                return false;
            }
            boolean added = queue.add(p);
            queue.notifyAll();
            return added;
        }
    }

    /** Queues every non-terminal bundle of the store not queued or held yet; returns how many were added. */
    private int resumePass() {
        int added = 0;
        for (Pending p : submitter.pendingWithSequence()) {
            if (enqueue(p)) {
                added++;
            }
        }
        return added;
    }

    /** Runs the resume pass when it is due (one worker at a time runs it). */
    private void resumePassIfDue() {
        synchronized (queue) {
            if (System.nanoTime() - nextResumePassNanos < 0) {
                return;
            }
            nextResumePassNanos = System.nanoTime() + resumeInterval.toNanos();
        }
        try {
            int added = resumePass();
            if (added > 0) {
                resumes.labelValues("resume_pass").inc(added);
                LOG.warn("resume pass: {} non-terminal bundles were not queued; resuming them", added);
            }
        } catch (RuntimeException e) {
            LOG.error("resume pass failed (retried in {} ms): {}", resumeInterval.toMillis(), e.toString());
        }
    }

    /** The lowest waiting bundle, now held by the caller; null when the role stops. */
    private Pending take() throws InterruptedException {
        synchronized (queue) {
            while (running && queue.isEmpty()) {
                queue.wait(Math.max(1, resumeInterval.toMillis()));
                if (System.nanoTime() - nextResumePassNanos >= 0) {
                    return null; // let the caller run the resume pass first
                }
            }
            if (!running || queue.isEmpty()) {
                return null;
            }
            Pending next = queue.pollFirst();
            inFlight.add(next);
            return next;
        }
    }

    private void release(Pending p, boolean requeue) {
        synchronized (queue) {
            inFlight.remove(p);
            if (requeue && running) {
                queue.add(p);
            }
            queue.notifyAll();
        }
    }

    /**
     * The reveal order across workers: {@code (set, sequence)} reveals once no lower sequence of its set is held by
     * another worker or waiting; it gives way (returns false) when a lower one waits for a worker, so the workers
     * can never all wait on each other.
     */
    private boolean awaitTurn(long set, long sequence) throws InterruptedException {
        Pending self = new Pending(null, set, sequence);
        synchronized (queue) {
            while (running) {
                Pending lowerWaiting = queue.lower(self);
                if (lowerWaiting != null && lowerWaiting.signerSetId() == set) {
                    return false;
                }
                Pending lowerHeld = inFlight.lower(self);
                if (lowerHeld == null || lowerHeld.signerSetId() != set) {
                    return true;
                }
                queue.wait(Math.max(1, resumeInterval.toMillis()));
            }
            return false;
        }
    }

    private void work() {
        while (running) {
            resumePassIfDue();
            Pending next;
            try {
                next = take();
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) {
                continue;
            }
            boolean gaveWay = false;
            boolean interrupted;
            try {
                boolean[] yielded = {false};
                Outcome outcome = submitter.submit(next.bundleHash(), (set, seq) -> {
                    boolean mine = awaitTurn(set, seq);
                    yielded[0] = !mine;
                    return mine;
                });
                gaveWay = yielded[0];
                interrupted = outcome instanceof Outcome.Deferred;
            } catch (InterruptedException e) {
                release(next, true);
                return;
            } catch (Submitter.StoreUnavailable e) {
                // the database is down: the Submitter logged the cause; no stack trace every retry
                LOG.error("bundle {} (sequence {}) left for a retry in {} ms: {}", next.bundleHash().toHex(),
                        next.sequence(), resumeInterval.toMillis(), e.getMessage());
                interrupted = true;
            } catch (RuntimeException e) {
                // the bundle stays SIGNED or COMMITTED in PostgreSQL: retried at the head of the queue
                LOG.error("submitting bundle {} (sequence {}) failed, retrying in {} ms: {}",
                        next.bundleHash().toHex(), next.sequence(), resumeInterval.toMillis(), e.toString(), e);
                interrupted = true;
            }
            if (gaveWay) {
                resumes.labelValues("gave_way").inc();
                release(next, true);
            } else if (interrupted) {
                // held while waiting, so later sequences of its set wait behind it
                resumes.labelValues("retry").inc();
                try {
                    Thread.sleep(resumeInterval);
                } catch (InterruptedException e) {
                    release(next, true);
                    return;
                }
                release(next, true);
            } else {
                release(next, false);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (subscription != null) {
            subscription.close();
        }
        synchronized (queue) {
            queue.notifyAll();
        }
        for (Thread worker : workers) {
            worker.interrupt();
        }
        for (Thread worker : workers) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.clear();
    }
}
