package com.m0club.adapter.eventlog.nats;

import com.m0club.adapter.eventlog.nats.testing.NatsServerProcess;
import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.Topic;
import com.m0club.eventlog.testing.EventLogContract;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The event log contract against a real NATS JetStream (a server of this class's own): every log opened by a test
 * talks to the same server, so records and group positions outlive a log, as in production.
 */
class NatsEventLogContractTest extends EventLogContract {
    private static NatsServerProcess server;
    private static NatsStreams streams;

    @BeforeAll
    static void startServer() {
        server = NatsServerProcess.start();
        streams = new NatsStreams(server.url(), new StreamSettings("CT", 4, 1, Duration.ofHours(1)));
    }

    @AfterAll
    static void stopServer() {
        if (streams != null) {
            streams.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected void prepare(Topic<?> topic) {
        streams.ensure(topic.name());
    }

    @Override
    protected EventLog open(ManualTime clock) {
        // The first retry waits long enough (1 s, even on a loaded machine) for the crash test to close the log
        // before it: the crash stands for a process that dies, which never retries.
        return NatsEventLog.builder().servers(server.url()).partitions(4).streamPrefix("CT")
                .ackWait(Duration.ofSeconds(2)).maxAttempts(5).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .publishTimeout(Duration.ofSeconds(5)).reconnectWait(Duration.ofMillis(100))
                .build(new PrometheusRegistry(), clock);
    }

    @Override
    protected boolean durable() {
        return true;
    }
}
