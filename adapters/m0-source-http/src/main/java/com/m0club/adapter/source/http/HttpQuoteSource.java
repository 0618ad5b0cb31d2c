package com.m0club.adapter.source.http;

import com.m0club.engine.source.QuoteSource;
import com.m0club.engine.source.SourceQuote;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP connectors of a connectors file as one {@link QuoteSource} ({@code quote_source = connectors}).
 *
 * <p>Each connector polls on its own virtual thread, every {@code interval_ms} from the start of one poll to the start
 * of the next (a poll that takes longer is followed at once), and queues its quotes; {@link #poll} hands the ingest
 * thread everything queued since its last call. At most {@value #MAX_QUEUED} quotes wait: beyond that new ones are
 * dropped and counted ({@code m0_connector_items_total{result="overflow"}}).
 *
 * <p>Operator switch: {@link #setDisabled} takes the set of disabled connector ids (the app reads it from PostgreSQL
 * every 2 s). A disabled connector makes no requests, its queued quotes are dropped at the next {@link #poll}
 * ({@code result="disabled"}), it is not reported degraded, and {@code m0_connector_disabled} is 1 for it.
 *
 * <p>{@link #degradedSources()} names each enabled, degraded connector with the markets it has quoted.
 *
 * <p>For tests, a source built with {@link Builder#manual()} starts no threads: {@link #cycle()} runs one poll of
 * every enabled connector on the caller's thread.
 */
public final class HttpQuoteSource implements QuoteSource {
    private static final Logger LOG = LoggerFactory.getLogger(HttpQuoteSource.class);
    /** Most quotes waiting for the ingest thread. */
    public static final int MAX_QUEUED = 100_000;

    private final Map<String, HttpConnector> connectors = new LinkedHashMap<>();
    private final List<HttpClient> clients = new ArrayList<>();
    private final ConnectorMetrics metrics;
    private final PollerClock clock;
    private final boolean background;
    private final ConcurrentLinkedQueue<SourceQuote> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Set<String> disabled = Set.of();
    private volatile boolean running;
    private boolean started;
    private boolean closed;

    private HttpQuoteSource(Builder b) {
        this.metrics = b.metrics;
        this.clock = b.clock;
        this.background = b.background;
        for (ConnectorSpec spec : b.specs) {
            HttpClient client = HttpConnector.clientFor(spec);
            clients.add(client);
            connectors.put(spec.id().value(), new HttpConnector(spec, client, b.clock, b.wallClock, b.metrics));
        }
    }

    /**
     * @param specs the connectors (at least one; ids unique, as {@link ConnectorsFile} guarantees)
     * @param registry where the {@link ConnectorMetrics} are registered
     */
    public static Builder builder(List<ConnectorSpec> specs, PrometheusRegistry registry) {
        return new Builder(specs, new ConnectorMetrics(registry));
    }

    public static final class Builder {
        private final List<ConnectorSpec> specs;
        private final ConnectorMetrics metrics;
        private PollerClock clock = PollerClock.SYSTEM;
        private InstantSource wallClock = InstantSource.system();
        private boolean background = true;

        private Builder(List<ConnectorSpec> specs, ConnectorMetrics metrics) {
            this.specs = List.copyOf(Objects.requireNonNull(specs, "specs"));
            if (this.specs.isEmpty()) {
                throw new IllegalArgumentException("specs: needs at least one connector");
            }
            if (this.specs.stream().map(s -> s.id().value()).distinct().count() != this.specs.size()) {
                throw new IllegalArgumentException("specs: connector ids must be unique");
            }
            this.metrics = metrics;
        }

        /** The scheduling clock (intervals, backoff, rate limit). */
        public Builder clock(PollerClock v) {
            this.clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** The event time of quotes whose mapping has no {@code ts_ms}. */
        public Builder wallClock(InstantSource v) {
            this.wallClock = Objects.requireNonNull(v, "wallClock");
            return this;
        }

        /** No poller threads: the caller runs {@link #cycle()} (tests). */
        public Builder manual() {
            this.background = false;
            return this;
        }

        public HttpQuoteSource build() {
            return new HttpQuoteSource(this);
        }
    }

    @Override
    public String name() {
        return "connectors:" + String.join(",", connectors.keySet());
    }

    /** The connector ids, in file order. */
    public Set<String> connectorIds() {
        return connectors.keySet();
    }

    /** One connector (tests, diagnostics). */
    public HttpConnector connector(String id) {
        HttpConnector c = connectors.get(id);
        if (c == null) {
            throw new IllegalArgumentException("id: no connector '" + id + "' (have " + connectors.keySet() + ")");
        }
        return c;
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(name() + ": closed; a connector source cannot be restarted");
        }
        if (started) {
            throw new IllegalStateException(name() + ": already started");
        }
        started = true;
        running = true;
        if (background) {
            for (HttpConnector c : connectors.values()) {
                threads.add(Thread.ofVirtual().name("m0-connector-" + c.spec().id()).start(() -> loop(c)));
            }
        }
        LOG.info("{} HTTP connector(s) polling: {}", connectors.size(), connectors.values().stream()
                .map(c -> c.spec().id() + " " + c.spec().displayUrl() + " every " + c.spec().intervalMs() + " ms")
                .toList());
    }

    private void loop(HttpConnector c) {
        long interval = TimeUnit.MILLISECONDS.toNanos(c.spec().intervalMs());
        while (running) {
            long begin = clock.nanoTime();
            try {
                runOnce(c);
                clock.sleepNanos(begin + interval - clock.nanoTime());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("connector {}: poller failed; trying again in {} ms", c.spec().id(), c.spec().intervalMs(),
                        e);
                try {
                    clock.sleepNanos(interval);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void runOnce(HttpConnector c) throws InterruptedException {
        if (disabled.contains(c.spec().id().value())) {
            return;
        }
        HttpConnector.PollResult r = c.poll();
        String id = c.spec().id().value();
        long overflow = 0;
        for (SourceQuote q : r.quotes()) {
            if (queued.incrementAndGet() > MAX_QUEUED) {
                queued.decrementAndGet();
                overflow++;
            } else {
                queue.add(q);
            }
        }
        metrics.items(id, "overflow", overflow);
    }

    /** Runs one poll of every enabled connector on this thread (a {@link Builder#manual()} source's clock). */
    public void cycle() throws InterruptedException {
        if (!started || closed) {
            throw new IllegalStateException(name() + ": cycle needs a started, open source");
        }
        for (HttpConnector c : connectors.values()) {
            runOnce(c);
        }
    }

    @Override
    public List<SourceQuote> poll(Instant now) {
        Objects.requireNonNull(now, "now");
        if (!started || closed) {
            throw new IllegalStateException(name() + ": poll needs a started, open source");
        }
        Set<String> off = disabled;
        List<SourceQuote> out = new ArrayList<>();
        Map<String, Long> dropped = new TreeMap<>();
        SourceQuote q;
        while ((q = queue.poll()) != null) {
            queued.decrementAndGet();
            if (off.contains(q.source().value())) {
                dropped.merge(q.source().value(), 1L, Long::sum);
            } else {
                out.add(q);
            }
        }
        dropped.forEach((id, n) -> metrics.items(id, "disabled", n));
        return out;
    }

    /**
     * The connectors an operator has disabled (ids of other connectors are ignored: the table is shared by every
     * ingestor). Takes effect at the next poll of each connector and at the next {@link #poll}.
     */
    public void setDisabled(Set<String> ids) {
        Objects.requireNonNull(ids, "ids");
        Set<String> now = new TreeSet<>();
        for (String id : ids) {
            if (connectors.containsKey(id)) {
                now.add(id);
            }
        }
        Set<String> before = disabled;
        if (now.equals(before)) {
            return;
        }
        for (String id : connectors.keySet()) {
            boolean on = now.contains(id);
            if (on != before.contains(id)) {
                metrics.disabled(id, on);
                LOG.warn("connector {}: {} by an operator", id, on ? "DISABLED (no requests, no quotes)"
                        : "enabled again");
            }
        }
        disabled = Set.copyOf(now);
    }

    /** The connectors disabled now. */
    public Set<String> disabled() {
        return disabled;
    }

    @Override
    public Map<SourceId, Set<MarketId>> degradedSources() {
        Set<String> off = disabled;
        Map<SourceId, Set<MarketId>> out = new TreeMap<>();
        for (HttpConnector c : connectors.values()) {
            if (c.degraded() && !off.contains(c.spec().id().value())) {
                out.put(c.spec().id(), c.marketsSeen());
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                if (!t.join(java.time.Duration.ofSeconds(5))) {
                    LOG.warn("{} did not stop within 5 s", t.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        clients.forEach(HttpClient::close);
    }
}
