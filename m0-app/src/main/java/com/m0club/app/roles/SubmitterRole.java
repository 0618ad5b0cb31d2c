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
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submitter role: takes references to signed bundles from {@code m0.bundles}, loads each from PostgreSQL
 * ({@link BundleRefResolver}: a reference that names no stored bundle, or another hash, is counted and dropped) and
 * drives each through commit and reveal on one thread, in (set, sequence) order. On start it first runs the startup check (if given) and resumes what a previous
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
    private final Counter resumes;
    private final TreeSet<Pending> queue = new TreeSet<>(ORDER);
    private Subscription subscription;
    private Thread worker;
    private volatile boolean running;
    private long nextResumePassNanos;

    public SubmitterRole(Submitter submitter, BundleRefResolver refs, EventLog eventLog, Topic<BundleRef> topic) {
        this(submitter, refs, eventLog, topic, Duration.ofSeconds(5), () -> {}, new PrometheusRegistry());
    }

    /**
     * @param resumeInterval period of the resume pass and the wait before retrying an interrupted bundle
     * @param startupCheck run once on start before anything is resumed (the ledger-commit audit)
     */
    public SubmitterRole(Submitter submitter, BundleRefResolver refs, EventLog eventLog, Topic<BundleRef> topic,
            Duration resumeInterval, Runnable startupCheck, PrometheusRegistry registry) {
        this.submitter = submitter;
        this.refs = refs;
        this.eventLog = eventLog;
        this.topic = topic;
        this.resumeInterval = resumeInterval;
        this.startupCheck = startupCheck;
        this.resumes = Counter.builder().name("m0_submitter_resumes_total")
                .help("Bundles the submitter role took up again without a restart, by why: retry (its submission"
                        + " was interrupted) or resume_pass (found non-terminal in the store)")
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
        nextResumePassNanos = System.nanoTime() + resumeInterval.toNanos();
        worker = Thread.ofPlatform().name("m0-submitter").daemon().start(this::loop);
    }

    private boolean enqueue(Pending p) {
        synchronized (queue) {
            boolean added = queue.add(p);
            queue.notifyAll();
            return added;
        }
    }

    /** Queues every non-terminal bundle of the store not queued yet; returns how many were added. */
    private int resumePass() {
        int added = 0;
        for (Pending p : submitter.pendingWithSequence()) {
            if (enqueue(p)) {
                added++;
            }
        }
        return added;
    }

    private void loop() {
        while (running) {
            if (System.nanoTime() - nextResumePassNanos >= 0) {
                nextResumePassNanos = System.nanoTime() + resumeInterval.toNanos();
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
            Pending next;
            synchronized (queue) {
                while (running && queue.isEmpty()) {
                    try {
                        queue.wait(Math.max(1, resumeInterval.toMillis()));
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (System.nanoTime() - nextResumePassNanos >= 0) {
                        break;
                    }
                }
                if (!running) {
                    return;
                }
                if (queue.isEmpty()) {
                    continue;
                }
                next = queue.pollFirst();
            }
            boolean interrupted;
            try {
                Outcome outcome = submitter.submit(next.bundleHash());
                interrupted = outcome instanceof Outcome.Deferred;
            } catch (InterruptedException e) {
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
            if (interrupted) {
                resumes.labelValues("retry").inc();
                enqueue(next);
                try {
                    Thread.sleep(resumeInterval);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (subscription != null) {
            subscription.close();
        }
        if (worker != null) {
            worker.interrupt();
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
