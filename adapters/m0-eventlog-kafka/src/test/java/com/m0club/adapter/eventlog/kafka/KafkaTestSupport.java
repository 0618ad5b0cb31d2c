package com.m0club.adapter.eventlog.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.eventlog.Topic;
import com.m0club.eventlog.testing.EventLogContract;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Helpers of the Kafka adapter's tests. */
final class KafkaTestSupport {
    private KafkaTestSupport() {}

    /** A new string topic with {@code partitions} partitions, created on the broker (never on first use). */
    static Topic<String> createTopic(Admin admin, String prefix, int partitions) throws Exception {
        Topic<String> t = Topic.of(prefix + "." + UUID.randomUUID().toString().substring(0, 8), String.class, 1,
                EventLogContract.Utf8.INSTANCE);
        admin.createTopics(List.of(new NewTopic(t.name(), partitions, (short) 1)
                .configs(Map.of("retention.ms", "-1")))).all().get(30, TimeUnit.SECONDS);
        awaitVisible(admin, t.name());
        return t;
    }

    /** Waits until the broker describes a topic just created (its metadata follows the controller a moment later). */
    static void awaitVisible(Admin admin, String topic) throws InterruptedException {
        await("topic " + topic + " described", Duration.ofSeconds(30), () -> {
            try {
                admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    static double counter(PrometheusRegistry registry, String name, String... labels) {
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof CounterSnapshot c && c.getMetadata().getPrometheusName().equals(name)) {
                return c.getDataPoints().stream().filter(d -> d.getLabels().equals(Labels.of(labels)))
                        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
            }
        }
        return 0;
    }

    static void await(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
