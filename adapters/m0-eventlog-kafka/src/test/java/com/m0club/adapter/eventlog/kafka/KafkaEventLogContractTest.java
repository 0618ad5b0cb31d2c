package com.m0club.adapter.eventlog.kafka;

import com.m0club.adapter.eventlog.kafka.testing.KafkaBrokerProcess;
import com.m0club.eventlog.EventLog;
import com.m0club.eventlog.Topic;
import com.m0club.eventlog.testing.EventLogContract;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The event log contract against a real single-node Kafka broker (one for the class, a topic per test). */
class KafkaEventLogContractTest extends EventLogContract {
    private static KafkaBrokerProcess broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBrokerProcess.start();
        admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    protected EventLog open(ManualTime clock) {
        // The backoff is long enough that a test closing the subscription right after a handler failure closes it
        // during the backoff (the crash test: a retry that succeeded first would commit the record), and short enough
        // for three attempts in a few seconds.
        return KafkaEventLog.builder().url(broker.url()).clientId("contract").publishTimeout(Duration.ofSeconds(10))
                .maxAttempts(5).backoff(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .build(new PrometheusRegistry(), clock);
    }

    @Override
    protected boolean durable() {
        return true;
    }

    /** Topics are never created on first use: the test creates each one as {@code m0 eventlog init} would. */
    @Override
    protected void prepare(Topic<?> topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic.name(), 3, (short) 1)
                        .configs(java.util.Map.of("retention.ms", "-1"))))
                .all().get(30, TimeUnit.SECONDS);
        KafkaTestSupport.awaitVisible(admin, topic.name());
    }
}
