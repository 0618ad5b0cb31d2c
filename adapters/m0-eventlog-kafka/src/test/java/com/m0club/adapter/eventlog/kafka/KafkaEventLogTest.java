package com.m0club.adapter.eventlog.kafka;

import static com.m0club.adapter.eventlog.kafka.KafkaTestSupport.await;
import static com.m0club.adapter.eventlog.kafka.KafkaTestSupport.counter;
import static com.m0club.adapter.eventlog.kafka.KafkaTestSupport.createTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.eventlog.kafka.testing.KafkaBrokerProcess;
import com.m0club.eventlog.EventRecord;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import com.m0club.eventlog.testing.EventLogContract;
import com.m0club.eventlog.testing.EventLogContract.ManualTime;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the Kafka event log adds to the contract: topics are never created on first use, malformed records are skipped
 * and counted, the schema version travels in a header, a group's members share partitions and hand them over, and a
 * replaying member rebuilds the window of every partition it takes over.
 */
class KafkaEventLogTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static KafkaBrokerProcess broker;
    private static Admin admin;

    private final ManualTime clock = new ManualTime(System.currentTimeMillis());
    private final List<AutoCloseable> opened = new ArrayList<>();

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

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    private KafkaEventLog open(PrometheusRegistry registry) {
        KafkaEventLog log = KafkaEventLog.builder().url(broker.url()).clientId("kafka-test")
                .publishTimeout(Duration.ofSeconds(10)).backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .build(registry, clock);
        opened.add(log);
        return log;
    }

    @Test
    void aTopicThatDoesNotExistIsRefusedNamingTheTopicAndTheInitCommandAndCounted() {
        PrometheusRegistry registry = new PrometheusRegistry();
        KafkaEventLog log = open(registry);
        Topic<String> missing = Topic.of("never.created", String.class, 1, EventLogContract.Utf8.INSTANCE);
        assertThatThrownBy(() -> log.publish(missing, "k", "v")).isInstanceOf(IllegalStateException.class)
                .hasMessage("topic never.created does not exist on kafka " + broker.bootstrap() + ": create the M0"
                        + " topics with m0 eventlog init (topics are never created on first use)");
        assertThatThrownBy(() -> log.subscribe(missing, "g", r -> {})).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist");
        assertThat(counter(registry, "m0_eventlog_missing_topic", "topic", "never.created")).isEqualTo(2);
        assertThat(counter(registry, "m0_eventlog_publish_errors", "reason", "missing_topic", "topic",
                "never.created")).isEqualTo(1);
        assertThat(counter(registry, "m0_eventlog_dropped", "topic", "never.created")).isEqualTo(1);
    }

    @Test
    void recordsCarryTheSchemaVersionHeaderTheLogsClockAsTimestampAndTheKeysDefaultPartition() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        KafkaEventLog log = open(registry);
        Topic<String> t = createTopic(admin, "wire", 4);
        clock.advance(Duration.ofMinutes(-10));
        log.publish(t, "market-7", "v", Map.of("traceparent", "00-abc"));
        List<EventRecord<String>> seen = new CopyOnWriteArrayList<>();
        opened.add(log.subscribe(t, "wire", SubscribeFrom.EARLIEST, seen::add));
        await("the record", PATIENCE, () -> !seen.isEmpty());
        EventRecord<String> r = seen.getFirst();
        assertThat(r.publishedAtMs()).isEqualTo(clock.millis());
        assertThat(r.headers()).isEqualTo(Map.of("traceparent", "00-abc"));
        assertThat(r.partition()).isEqualTo(org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2("market-7".getBytes(StandardCharsets.UTF_8))) % 4);
        assertThat(counter(registry, "m0_eventlog_published", "topic", t.name())).isEqualTo(1);
        assertThatThrownBy(() -> log.publish(t, "k", "v", Map.of("m0-schema-version", "9")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m0-schema-version is reserved");
    }

    @Test
    void malformedRecordsAreSkippedAndCountedAndThePartitionGoesOn() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        KafkaEventLog log = open(registry);
        Topic<String> t = createTopic(admin, "malformed", 1);
        byte[] good = t.encode("fine");
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] key = "k".getBytes(StandardCharsets.UTF_8);
            var v1 = new RecordHeader(KafkaEventLog.SCHEMA_VERSION_HEADER, "1".getBytes(StandardCharsets.US_ASCII));
            var v2 = new RecordHeader(KafkaEventLog.SCHEMA_VERSION_HEADER, "2".getBytes(StandardCharsets.US_ASCII));
            var junk = new RecordHeader(KafkaEventLog.SCHEMA_VERSION_HEADER, "x".getBytes(StandardCharsets.US_ASCII));
            raw.send(new ProducerRecord<>(t.name(), 0, key, good)).get(10, TimeUnit.SECONDS); // no version header
            raw.send(new ProducerRecord<>(t.name(), 0, null, key, good, List.of(v2))).get(10, TimeUnit.SECONDS);
            raw.send(new ProducerRecord<>(t.name(), 0, null, key, good, List.of(junk))).get(10, TimeUnit.SECONDS);
            raw.send(new ProducerRecord<>(t.name(), 0, null, key, new byte[] {0, 9, 1}, List.of(v1)))
                    .get(10, TimeUnit.SECONDS);
            raw.send(new ProducerRecord<>(t.name(), 0, null, null, good, List.of(v1))).get(10, TimeUnit.SECONDS);
        }
        log.publish(t, "k", "after");
        List<EventRecord<String>> seen = new CopyOnWriteArrayList<>();
        opened.add(log.subscribe(t, "malformed", SubscribeFrom.EARLIEST, seen::add));
        await("the record after the malformed ones", PATIENCE, () -> !seen.isEmpty());
        assertThat(seen).extracting(EventRecord::value).containsExactly("after");
        assertThat(seen.getFirst().offset()).isEqualTo(5);
        assertThat(counter(registry, "m0_eventlog_malformed", "group", "malformed", "topic", t.name()))
                .isEqualTo(5);
    }

    @Test
    void twoMembersOfAGroupSharePartitionsAndTheSurvivorTakesOverWithoutRedeliveringCommittedRecords()
            throws Exception {
        Topic<String> t = createTopic(admin, "shared", 4);
        KafkaEventLog a = open(new PrometheusRegistry());
        KafkaEventLog b = open(new PrometheusRegistry());
        List<String> byA = new CopyOnWriteArrayList<>();
        List<String> byB = new CopyOnWriteArrayList<>();
        var sa = (KafkaSubscription<?>) a.subscribe(t, "shared", SubscribeFrom.EARLIEST, r -> byA.add(r.value()));
        opened.add(sa);
        var sb = (KafkaSubscription<?>) b.subscribe(t, "shared", SubscribeFrom.EARLIEST, r -> byB.add(r.value()));
        await("both members own partitions, together all four", PATIENCE, () -> {
            Set<Integer> pa = sa.assignment();
            Set<Integer> pb = sb.assignment();
            Set<Integer> union = new HashSet<>(pa);
            union.addAll(pb);
            return !pa.isEmpty() && !pb.isEmpty() && union.size() == 4 && pa.size() + pb.size() == 4;
        });
        for (int i = 0; i < 100; i++) {
            a.publish(t, "market-" + i, "one-" + i);
        }
        await("phase one handled", PATIENCE, () -> byA.size() + byB.size() >= 100);
        assertThat(byA).isNotEmpty().doesNotContainAnyElementsOf(byB);
        assertThat(byB).isNotEmpty();
        List<String> handledByB = List.copyOf(byB);

        sb.close();
        await("the survivor owns every partition", PATIENCE, () -> sa.assignment().size() == 4);
        for (int i = 0; i < 100; i++) {
            a.publish(t, "market-" + i, "two-" + i);
        }
        await("phase two handled by the survivor", PATIENCE,
                () -> byA.stream().filter(v -> v.startsWith("two-")).count() == 100);
        assertThat(byA).as("what B handled and committed is not delivered again").doesNotContainAnyElementsOf(
                handledByB);
        assertThat(byB).containsExactlyElementsOf(handledByB);
    }

    @Test
    void aReplayingMemberRebuildsTheWindowOfEveryPartitionItTakesOver() throws Exception {
        Topic<String> t = createTopic(admin, "window", 4);
        KafkaEventLog a = open(new PrometheusRegistry());
        KafkaEventLog b = open(new PrometheusRegistry());
        for (int i = 0; i < 20; i++) {
            a.publish(t, "market-" + i, "old-" + i);
        }
        clock.advance(Duration.ofMinutes(5));
        SubscribeFrom window = SubscribeFrom.replay(Duration.ofMinutes(1));
        List<String> byA = new CopyOnWriteArrayList<>();
        List<String> byB = new CopyOnWriteArrayList<>();
        var sa = (KafkaSubscription<?>) a.subscribe(t, "window", window, r -> byA.add(r.value()));
        opened.add(sa);
        var sb = (KafkaSubscription<?>) b.subscribe(t, "window", window, r -> byB.add(r.value()));
        await("both members own partitions, together all four", PATIENCE,
                () -> !sa.assignment().isEmpty() && !sb.assignment().isEmpty()
                        && sa.assignment().size() + sb.assignment().size() == 4);
        for (int i = 0; i < 20; i++) {
            a.publish(t, "market-" + i, "recent-" + i);
        }
        try {
            await("the recent records handled, each by its partition's owner", PATIENCE,
                    () -> byA.size() + byB.size() == 20);
        } catch (AssertionError e) {
            throw new AssertionError("A " + byA + " B " + byB + " " + sa.assignment() + sb.assignment(), e);
        }
        assertThat(byA).isNotEmpty().doesNotContainAnyElementsOf(byB);
        assertThat(byB).isNotEmpty();

        sb.close();
        await("the survivor rebuilt the whole window", PATIENCE, () -> new HashSet<>(byA).size() == 20);
        assertThat(byA).as("B's partitions replayed from the window, nothing older").containsAll(byB)
                .allSatisfy(v -> assertThat(v).startsWith("recent-"));
    }

    @Test
    void statusIsUpNamingTheBrokersAndDownOnceClosed() {
        KafkaEventLog log = open(new PrometheusRegistry());
        var up = log.status();
        assertThat(up.reachable()).isTrue();
        assertThat(up.detail()).isEqualTo("kafka " + broker.bootstrap() + ": 1 broker reachable");
        log.close();
        assertThat(log.status().reachable()).isFalse();
        Topic<String> t = Topic.of("any", String.class, 1, EventLogContract.Utf8.INSTANCE);
        assertThatThrownBy(() -> log.publish(t, "k", "v")).isInstanceOf(IllegalStateException.class)
                .hasMessage("the event log is closed");
    }
}
