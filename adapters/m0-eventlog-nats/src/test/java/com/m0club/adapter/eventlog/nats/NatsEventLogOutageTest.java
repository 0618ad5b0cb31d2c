package com.m0club.adapter.eventlog.nats;

import static com.m0club.adapter.eventlog.nats.Fixtures.await;
import static com.m0club.adapter.eventlog.nats.Fixtures.counter;
import static com.m0club.adapter.eventlog.nats.Fixtures.firstSeenOrder;
import static com.m0club.adapter.eventlog.nats.Fixtures.newTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.eventlog.nats.testing.NatsServerProcess;
import com.m0club.eventlog.EventLogFullException;
import com.m0club.eventlog.EventLogStatus;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import com.m0club.eventlog.testing.EventLogContract.ManualTime;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server dies (SIGKILL) and comes back on the same port and store: publishes fail at once with a clear exception
 * while it is away, status() goes down and up again, consumers resume by themselves, and nothing that publish()
 * accepted is lost.
 */
class NatsEventLogOutageTest {
    private final ManualTime clock = new ManualTime(1_700_000_000_000L);
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private NatsServerProcess server;
    private NatsEventLog log;
    private Topic<String> topic;

    @BeforeEach
    void start() {
        server = NatsServerProcess.start();
        topic = newTopic();
        try (NatsStreams streams = new NatsStreams(server.url(), new StreamSettings("OT", 4, 1,
                Duration.ofHours(1)))) {
            streams.ensure(topic.name());
        }
        log = NatsEventLog.builder().servers(server.url()).partitions(4).streamPrefix("OT")
                .ackWait(Duration.ofSeconds(2)).publishTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(1)).reconnectWait(Duration.ofMillis(100))
                .build(registry, clock);
    }

    @AfterEach
    void stop() {
        if (log != null) {
            log.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void whileTheServerIsAwayPublishesFailClearlyStatusIsDownAndAfterItReturnsConsumersResumeAndNothingIsLost()
            throws Exception {
        Map<String, List<String>> byKey = new ConcurrentHashMap<>();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (Subscription s = log.subscribe(topic, "outage", SubscribeFrom.EARLIEST, r -> {
            byKey.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>()).add(r.value());
            handled.add(r.value());
        })) {
            for (int i = 0; i < 50; i++) {
                log.publish(topic, "k" + (i % 5), "k" + (i % 5) + ":" + i);
            }
            await("the records before the outage", () -> handled.size() == 50);
            assertThat(log.status().reachable()).isTrue();

            server.kill();
            await("status down", () -> !log.status().reachable());
            EventLogStatus down = log.status();
            assertThat(down.detail()).contains("connection");
            assertThatThrownBy(() -> log.publish(topic, "k0", "k0:lost"))
                    .isInstanceOf(EventLogFullException.class)
                    .hasMessageContaining("not stored").hasMessageContaining("not reachable");
            assertThat(counter(registry, "m0_eventlog_dropped_total", "topic", topic.name())).isEqualTo(1);
            assertThat(counter(registry, "m0_eventlog_publish_errors_total", "topic", topic.name(), "reason",
                    "unreachable")).isEqualTo(1);

            server.restart();
            await("status up", () -> log.status().reachable());
            for (int i = 50; i < 100; i++) {
                log.publish(topic, "k" + (i % 5), "k" + (i % 5) + ":" + i);
            }
            await("every accepted record", () -> handled.size() == 100);
            assertThat(handled).doesNotContain("k0:lost");
            for (var e : byKey.entrySet()) {
                assertThat(firstSeenOrder(e.getValue())).as("key " + e.getKey()).isSorted();
            }
            await("caught up", () -> s.lag() == 0);
        }
        assertThat(counter(registry, "m0_eventlog_published_total", "topic", topic.name())).isEqualTo(100);
    }

    @Test
    void aRecordInFlightWhenTheServerDiesIsAcknowledgedOnceItReturnsAndTheNextOneFollows() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        List<String> handled = new CopyOnWriteArrayList<>();
        log.publish(topic, "k", "k:0");
        log.publish(topic, "k", "k:1");
        try (Subscription s = log.subscribe(topic, "inflight", r -> {
            if (first.compareAndSet(true, false)) {
                inHandler.countDown();
                release.await();
            }
            handled.add(r.value());
        })) {
            inHandler.await();
            server.kill();
            await("status down", () -> !log.status().reachable());
            release.countDown(); // the handler returns while the server is away: its ack waits for the connection
            server.restart();
            await("both records", () -> handled.contains("k:1"));
            assertThat(firstSeenOrder(handled)).containsExactly(0, 1);
            await("caught up", () -> s.lag() == 0);
        }
    }
}
