package com.m0club.adapter.eventlog.kafka;

import static com.m0club.adapter.eventlog.kafka.KafkaTestSupport.await;
import static com.m0club.adapter.eventlog.kafka.KafkaTestSupport.counter;
import static com.m0club.adapter.eventlog.kafka.KafkaTestSupport.createTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.eventlog.kafka.testing.KafkaBrokerProcess;
import com.m0club.eventlog.EventLogFullException;
import com.m0club.eventlog.EventRecord;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker is SIGKILLed and started again under a running log: publishes fail (counted) while it is away, the
 * status goes down and comes back, the same producer and consumer resume without a restart, nothing acknowledged is
 * lost and only records not yet committed can be handled twice.
 */
class KafkaBrokerOutageTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static KafkaBrokerProcess broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBrokerProcess.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aBrokerKilledAndRestartedUnderARunningLogLosesNothingAcknowledgedAndEveryoneResumes() throws Exception {
        Topic<String> t;
        try (Admin admin = admin()) {
            t = createTopic(admin, "outage", 3);
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        List<String> keys = List.of("k0", "k1", "k2", "k3", "k4", "k5");
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        List<String> all = new CopyOnWriteArrayList<>();
        try (KafkaEventLog log = KafkaEventLog.builder().url(broker.url()).clientId("outage")
                .publishTimeout(Duration.ofSeconds(1)).requestTimeout(Duration.ofSeconds(1))
                .statusTimeout(Duration.ofMillis(500)).build(registry, InstantSource.system());
                Subscription s = log.subscribe(t, "outage", SubscribeFrom.EARLIEST, (EventRecord<String> r) -> {
                    all.add(r.value());
                    handled.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>())
                            .add(Integer.parseInt(r.value().substring(r.value().indexOf('-') + 1)));
                })) {
            Set<String> acked = new LinkedHashSet<>();
            for (int i = 0; i < 60; i++) {
                String v = keys.get(i % keys.size()) + "-" + i;
                log.publish(t, keys.get(i % keys.size()), v);
                acked.add(v);
            }
            await("the first records handled and committed", PATIENCE,
                    () -> all.size() == 60 && committed(t, "outage") == 60);
            assertThat(log.status().reachable()).isTrue();

            broker.kill();
            await("status down", PATIENCE, () -> !log.status().reachable());
            assertThat(log.status().detail()).startsWith("kafka " + broker.bootstrap() + " unreachable: ");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> log.publish(t, "k0", "k0-1000")).isInstanceOf(EventLogFullException.class)
                    .hasMessageContaining("record for key k0 dropped");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
            assertThat(counter(registry, "m0_eventlog_publish_errors", "reason", "timeout", "topic", t.name()))
                    .isGreaterThanOrEqualTo(1);

            broker.restart();
            await("status up again", PATIENCE, () -> log.status().reachable());
            int failedAfterRestart = 0;
            for (int i = 2000; i < 2060; i++) {
                String key = keys.get(i % keys.size());
                String v = key + "-" + i;
                for (int attempt = 0; ; attempt++) {
                    try {
                        log.publish(t, key, v);
                        acked.add(v);
                        break;
                    } catch (EventLogFullException e) {
                        failedAfterRestart++;
                        assertThat(attempt).as("publishes resume after the restart").isLessThan(30);
                    }
                }
            }
            await("every acknowledged record handled", PATIENCE, () -> all.containsAll(acked));

            assertThat(s.lag()).isZero();
            Map<String, Long> times = all.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
            List<String> twice = times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .toList();
            assertThat(twice).as("only records after the restart (not yet committed) may come twice")
                    .allSatisfy(v -> assertThat(Integer.parseInt(v.substring(v.indexOf('-') + 1))).isGreaterThan(999));
            for (var e : handled.entrySet()) {
                List<Integer> firstSeen = new ArrayList<>(new LinkedHashSet<>(e.getValue()));
                assertThat(firstSeen).as("key " + e.getKey() + " in publish order").isSorted();
            }
            System.out.printf("outage: %d publishes failed right after the restart, %d records handled twice%n",
                    failedAfterRestart, twice.size());
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    /** The group's committed offsets summed over the topic's partitions (0 when unknown). */
    private static long committed(Topic<?> t, String group) {
        try (Admin admin = admin()) {
            var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(t.name()))
                    .mapToLong(e -> e.getValue() == null ? 0 : e.getValue().offset()).sum();
        } catch (Exception e) {
            return 0;
        }
    }

}
