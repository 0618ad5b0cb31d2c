package com.m0club.adapter.eventlog.nats;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.eventlog.Topic;
import com.m0club.eventlog.testing.EventLogContract;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** What the adapter's tests share: topics of their own, waiting, counters, per-key order. */
final class Fixtures {
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private Fixtures() {}

    /** A topic no other test uses. */
    static Topic<String> newTopic() {
        return Topic.of("t." + UUID.randomUUID().toString().substring(0, 8), String.class, 1,
                EventLogContract.Utf8.INSTANCE);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** A counter's value summed over the data points that carry the given label pairs (0 when none does). */
    static double counter(PrometheusRegistry registry, String name, String... labelPairs) {
        String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        for (MetricSnapshot s : registry.scrape()) {
            if (!s.getMetadata().getName().equals(base) || !(s instanceof CounterSnapshot c)) {
                continue;
            }
            double total = 0;
            for (CounterSnapshot.CounterDataPointSnapshot dp : c.getDataPoints()) {
                boolean match = true;
                for (int i = 0; i < labelPairs.length; i += 2) {
                    if (!labelPairs[i + 1].equals(dp.getLabels().get(labelPairs[i]))) {
                        match = false;
                    }
                }
                if (match) {
                    total += dp.getValue();
                }
            }
            return total;
        }
        throw new AssertionError("no counter " + name + " in the registry");
    }

    /**
     * The values of one key in the order they were first handled, as their publish indexes ({@code "<key>:<i>"}):
     * at-least-once may hand a record again, but never one before an earlier record of its key was handled.
     */
    static List<Integer> firstSeenOrder(List<String> handled) {
        return handled.stream().distinct().map(v -> Integer.parseInt(v.substring(v.lastIndexOf(':') + 1))).toList();
    }
}
