package com.m0club.app.roles;

import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.publish.submit.Submitter;
import com.m0club.runtime.lifecycle.Service;
import com.m0club.store.eventlog.EventLog;
import com.m0club.store.eventlog.Subscription;
import com.m0club.store.eventlog.Topic;
import java.util.LinkedHashSet;
import java.util.SequencedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submitter role: takes signed bundles from {@code m0.bundles} and drives each through commit and reveal on one
 * thread, in arrival order (which is sequence order: one bundler allocates sequences in order). On start it first
 * resumes what a previous run left SIGNED or COMMITTED, so a restart loses nothing and commits nothing twice.
 */
public final class SubmitterRole implements Service {
    private static final Logger LOG = LoggerFactory.getLogger(SubmitterRole.class);

    private final Submitter submitter;
    private final EventLog eventLog;
    private final Topic<SignedBundle> topic;
    private final SequencedSet<Hash32> queue = new LinkedHashSet<>();
    private Subscription subscription;
    private Thread worker;
    private volatile boolean running;

    public SubmitterRole(Submitter submitter, EventLog eventLog, Topic<SignedBundle> topic) {
        this.submitter = submitter;
        this.eventLog = eventLog;
        this.topic = topic;
    }

    @Override
    public String name() {
        return "submitter";
    }

    @Override
    public void start() {
        running = true;
        for (Hash32 h : submitter.pending()) {
            enqueue(h);
        }
        synchronized (queue) {
            if (!queue.isEmpty()) {
                LOG.info("resuming {} bundles left signed or committed by the previous run", queue.size());
            }
        }
        subscription = eventLog.subscribe(topic, "submitter", r -> enqueue(r.value().bundle().bundleHash()));
        worker = Thread.ofPlatform().name("m0-submitter").daemon().start(this::loop);
    }

    private void enqueue(Hash32 hash) {
        synchronized (queue) {
            queue.add(hash);
            queue.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            Hash32 next;
            synchronized (queue) {
                while (running && queue.isEmpty()) {
                    try {
                        queue.wait(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!running) {
                    return;
                }
                next = queue.removeFirst();
            }
            try {
                submitter.submit(next);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the bundle stays SIGNED or COMMITTED in PostgreSQL and is resumed on the next start
                LOG.error("submitting bundle {} failed: {}", next.toHex(), e.toString(), e);
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
