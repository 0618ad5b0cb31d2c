package com.m0club.eventlog;

import com.m0club.eventlog.testing.EventLogContract;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;

/** The event log contract against the in-process log (with the codec round trip of dev and tests). */
class InProcessEventLogContractTest extends EventLogContract {
    @Override
    protected EventLog open(ManualTime clock) {
        return InProcessEventLog.builder().partitions(4).capacityPerPartition(1024)
                .publishTimeout(Duration.ofSeconds(1)).maxAttempts(5).backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .codecRoundTrip(true).build(new PrometheusRegistry(), clock);
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
