package com.m0club.adapter.eventlog.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.eventlog.kafka.KafkaTopics.Change;
import com.m0club.adapter.eventlog.kafka.KafkaTopics.Report;
import com.m0club.adapter.eventlog.kafka.KafkaTopics.Settings;
import com.m0club.adapter.eventlog.kafka.testing.KafkaBrokerProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** m0 eventlog init against a real broker: creates, keeps, grows and reports, never silently differs. */
class KafkaTopicsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static KafkaBrokerProcess broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBrokerProcess.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
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

    private static String name() {
        return "topics-test." + UUID.randomUUID().toString().substring(0, 8);
    }

    private static TopicDescription described(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
    }

    private static String retentionMs(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get(10, TimeUnit.SECONDS).get(r).get("retention.ms").value();
    }

    @Test
    void initCreatesEveryM0TopicAsConfiguredAndASecondInitKeepsThem() throws Exception {
        Settings settings = new Settings(4, 1, Duration.ofHours(168));
        List<Report> first = KafkaTopics.init(KafkaBootstrap.parse(broker.url()), settings, TIMEOUT);
        assertThat(first).extracting(Report::topic).containsExactly("m0.events", "m0.source-health", "m0.features", "m0.outputs",
                "m0.bundles", "m0.published", "m0.withdrawn");
        assertThat(first).allSatisfy(r -> {
            assertThat(r.change()).isEqualTo(Change.CREATED);
            assertThat(r.describe()).isEqualTo(r.topic() + ": created (4 partitions, replication factor 1,"
                    + " retention 168 h)");
        });
        for (String t : KafkaTopics.M0_TOPICS) {
            assertThat(described(t).partitions()).hasSize(4);
            assertThat(retentionMs(t)).isEqualTo(Long.toString(Duration.ofHours(168).toMillis()));
        }

        List<Report> second = KafkaTopics.init(KafkaBootstrap.parse(broker.url()), settings, TIMEOUT);
        assertThat(second).allSatisfy(r -> {
            assertThat(r.change()).isEqualTo(Change.KEPT);
            assertThat(r.ok()).isTrue();
            assertThat(r.notes()).isEmpty();
        });
        assertThat(second).extracting(Report::partitions).containsOnly(4);
    }

    @Test
    void aTopicWithFewerPartitionsGetsMoreAndOneWithAnotherRetentionGetsTheConfiguredOne() throws Exception {
        String topic = name();
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1).configs(Map.of("retention.ms", "3600000"))))
                .all().get(10, TimeUnit.SECONDS);
        KafkaTestSupport.awaitVisible(admin, topic);
        Report r = KafkaTopics.ensure(admin, List.of(topic), new Settings(6, 1, Duration.ofHours(48)), TIMEOUT)
                .getFirst();
        assertThat(r.change()).isEqualTo(Change.UPDATED);
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).startsWith("partitions increased 2 -> 6"))
                .anySatisfy(n -> assertThat(n).isEqualTo("retention.ms 3600000 -> 172800000"));
        assertThat(described(topic).partitions()).hasSize(6);
        assertThat(retentionMs(topic)).isEqualTo("172800000");
    }

    @Test
    void morePartitionsThanConfiguredAreReportedAsAMismatchAndLeftAlone() throws Exception {
        String topic = name();
        admin.createTopics(List.of(new NewTopic(topic, 8, (short) 1).configs(Map.of("retention.ms", "3600000"))))
                .all().get(10, TimeUnit.SECONDS);
        KafkaTestSupport.awaitVisible(admin, topic);
        Report r = KafkaTopics.ensure(admin, List.of(topic), new Settings(4, 1, Duration.ofHours(1)), TIMEOUT)
                .getFirst();
        assertThat(r.change()).isEqualTo(Change.MISMATCH);
        assertThat(r.ok()).isFalse();
        assertThat(r.describe()).contains("has 8 partitions, configured 4").contains("eventlog_partitions");
        assertThat(described(topic).partitions()).hasSize(8);
    }

    @Test
    void aReplicationFactorTheClusterCannotHoldFailsThatTopicNamingTheReason() {
        String topic = name();
        Report r = KafkaTopics.ensure(admin, List.of(topic), new Settings(1, 3, Duration.ofHours(1)), TIMEOUT)
                .getFirst();
        assertThat(r.change()).isEqualTo(Change.FAILED);
        assertThat(r.describe()).startsWith(topic + ": failed: could not create topic " + topic)
                .contains("InvalidReplicationFactor");
    }

    @Test
    void unreachableBrokersFailTheInitNamingThem() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        KafkaBootstrap nowhere = KafkaBootstrap.parse("kafka://127.0.0.1:" + port);
        assertThatThrownBy(() -> KafkaTopics.init(nowhere, new Settings(1, 1, Duration.ofHours(1)),
                Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("kafka 127.0.0.1:" + port + ": could not reach the brokers");
    }

    @Test
    void settingsOutsideTheirRulesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new Settings(0, 1, Duration.ofHours(1))).hasMessage(
                "partitions: must be 1..1024, got 0");
        assertThatThrownBy(() -> new Settings(1, 8, Duration.ofHours(1))).hasMessage(
                "replicationFactor: must be 1..7, got 8");
        assertThatThrownBy(() -> new Settings(1, 1, Duration.ofMinutes(5))).hasMessageStartingWith(
                "retention: must be at least 1 hour");
    }
}
