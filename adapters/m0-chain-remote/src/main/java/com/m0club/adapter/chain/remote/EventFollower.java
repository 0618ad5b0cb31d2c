package com.m0club.adapter.chain.remote;

import com.m0club.adapter.chain.remote.LedgerWire.EventPage;
import com.m0club.chain.EventsExpiredException;
import com.m0club.chain.Ledger;
import com.m0club.chain.LedgerEvent;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription of a {@link RemoteLedger}: a daemon thread that long-polls {@code GET events} from its next index
 * and hands each event to the listener in index order. A failed poll (server down, restarting, slow) is counted and
 * retried after a backoff that doubles from the client's minimum to its maximum and resets on the next success; the
 * retry asks for the same index, so a restart of the server neither repeats nor skips an event. Events the server no
 * longer keeps are skipped to the oldest it keeps, with an ERROR and a count: there is no way to deliver them.
 */
final class EventFollower implements Ledger.Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);
    private static final int BATCH = 256;

    private final RemoteLedger ledger;
    private final Consumer<LedgerEvent> listener;
    private final Thread thread;
    private volatile long next;
    private volatile boolean closed;

    EventFollower(RemoteLedger ledger, Consumer<LedgerEvent> listener, long from, String name) {
        this.ledger = ledger;
        this.listener = listener;
        this.next = from;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** The index of the next event this subscription delivers. */
    long next() {
        return next;
    }

    private void run() {
        Duration backoff = ledger.backoffMin();
        int failures = 0;
        boolean behindReported = false;
        while (!closed) {
            EventPage page;
            try {
                page = ledger.poll(next, BATCH, ledger.eventWait());
            } catch (EventsExpiredException e) {
                long lost = e.oldestKept() - next;
                ledger.metrics().skipped(Math.max(0, lost));
                LOG.error("ledger event subscription {}: the server no longer keeps events {}..{} (its oldest is {});"
                        + " {} events are skipped and never delivered to this listener", thread.getName(), next,
                        e.oldestKept() - 1, e.oldestKept(), lost);
                next = e.oldestKept();
                ledger.advanced();
                continue;
            } catch (RuntimeException e) {
                if (closed || ledger.isClosed()) {
                    return;
                }
                Thread.interrupted(); // an interrupt that was not a close: keep following
                ledger.metrics().subscriptionError();
                failures++;
                if (failures == 1) {
                    LOG.warn("ledger event subscription {}: poll from index {} failed ({}); retrying with backoff up"
                            + " to {} ms", thread.getName(), next, e.getMessage(), ledger.backoffMax().toMillis());
                } else {
                    LOG.debug("ledger event subscription {}: poll {} failed: {}", thread.getName(), failures,
                            e.getMessage());
                }
                if (!pause(backoff)) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(ledger.backoffMax()) > 0 ? ledger.backoffMax()
                        : backoff.multipliedBy(2);
                continue;
            }
            if (failures > 0) {
                LOG.info("ledger event subscription {}: the server answers again after {} failed polls; resuming at"
                        + " index {}", thread.getName(), failures, next);
                failures = 0;
                backoff = ledger.backoffMin();
            }
            if (page.events().isEmpty() && page.next() < next) {
                if (!behindReported) {
                    behindReported = true;
                    ledger.metrics().subscriptionError();
                    LOG.error("ledger event subscription {}: the server's next event index {} is below this"
                            + " subscription's {}: the server holds another (or an older) ledger than the one this"
                            + " subscription followed; waiting for index {}", thread.getName(), page.next(), next,
                            next);
                }
                continue;
            }
            behindReported = false;
            for (LedgerEvent e : page.events()) {
                if (closed) {
                    return;
                }
                if (e.index() < next) {
                    continue; // never twice (a page always starts at next; this only guards the invariant)
                }
                deliver(e);
                next = e.index() + 1;
                ledger.advanced();
            }
        }
    }

    private void deliver(LedgerEvent e) {
        try {
            listener.accept(e);
        } catch (RuntimeException ex) {
            ledger.metrics().listenerError();
            LOG.warn("ledger event listener {} failed on event {} ({}); it stays subscribed", listener, e.index(),
                    e.getClass().getSimpleName(), ex);
        }
    }

    /** Sleeps for {@code d}; false when the subscription was closed meanwhile. */
    private boolean pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            if (closed) {
                return false;
            }
        }
        return !closed;
    }

    /** Stops delivery: no event reaches the listener once this returns (unless called from the listener itself). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.interrupt();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("ledger event subscription {}: its listener did not return within 5 s of close",
                        thread.getName());
            }
        }
        ledger.closed(this);
    }
}
