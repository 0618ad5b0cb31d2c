package com.m0club.adapter.eventlog.nats;

import static com.m0club.adapter.eventlog.nats.Fixtures.await;
import static com.m0club.adapter.eventlog.nats.Fixtures.counter;
import static com.m0club.adapter.eventlog.nats.Fixtures.newTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.eventlog.nats.testing.NatsServerProcess;
import com.m0club.eventlog.EventLogStatus;
import com.m0club.eventlog.EventRecord;
import com.m0club.eventlog.SubscribeFrom;
import com.m0club.eventlog.Subscription;
import com.m0club.eventlog.Topic;
import com.m0club.eventlog.testing.EventLogContract.ManualTime;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the NATS log adds to the contract: its subjects and headers, malformed records, checks of its streams. */
class NatsEventLogTest {
    private static NatsServerProcess server;
    private static NatsStreams streams;
    private static Connection raw;

    private final ManualTime clock = new ManualTime(1_700_000_000_000L);
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = NatsServerProcess.start();
        streams = new NatsStreams(server.url(), new StreamSettings("LT", 4, 1, Duration.ofHours(1)));
        raw = Nats.connect(server.url());
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (raw != null) {
            raw.close();
        }
        if (streams != null) {
            streams.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeLogs() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    private NatsEventLog log(NatsEventLog.Builder b) {
        NatsEventLog log = b.build(registry, clock);
        opened.add(log);
        return log;
    }

    private NatsEventLog log() {
        return log(builder());
    }

    private static NatsEventLog.Builder builder() {
        return NatsEventLog.builder().servers(server.url()).partitions(4).streamPrefix("LT")
                .ackWait(Duration.ofSeconds(2)).backoff(Duration.ofMillis(10), Duration.ofMillis(20))
                .reconnectWait(Duration.ofMillis(100));
    }

    private static Topic<String> topic() {
        Topic<String> t = newTopic();
        streams.ensure(t.name());
        return t;
    }

    @Test
    @SuppressWarnings("try") // the subscriptions only need closing
    void aKeyGoesToTheSubjectOfItsPartitionWithTheSchemaVersionThePublishTimeAndTheKeyBesideThePayload()
            throws Exception {
        NatsEventLog log = log();
        Topic<String> t = topic();
        String key = "btc-usd/2026 ü"; // not ASCII and not a subject token: carried URL-encoded in a header
        int p = Math.floorMod(key.hashCode(), 4);
        assertThat(log.partitionFor(key)).isEqualTo(p);
        log.publish(t, key, "v1", Map.of("traceparent", "00-abc-01", "empty", "", "spaced", "a  b"));

        JetStreamManagement jsm = raw.jetStreamManagement();
        MessageInfo stored = jsm.getLastMessage(log.streamName(t.name()), t.name() + ".p" + p);
        Headers h = stored.getHeaders();
        assertThat(h.getFirst("m0-schema-version")).isEqualTo("1");
        assertThat(h.getFirst("m0-published-at-ms")).isEqualTo(Long.toString(clock.millis()));
        assertThat(NatsNames.decodeKey(h.getFirst("m0-key"))).isEqualTo(key);
        assertThat(h.getFirst("traceparent")).isEqualTo("00-abc-01");
        assertThat(stored.getData()).isEqualTo(t.encode("v1"));

        List<EventRecord<String>> seen = new CopyOnWriteArrayList<>();
        long publishedAt = clock.millis();
        clock.advance(Duration.ofMinutes(5));
        try (Subscription s = log.subscribe(t, "g", seen::add)) {
            await("the record", () -> !seen.isEmpty());
        }
        EventRecord<String> r = seen.getFirst();
        assertThat(r.key()).isEqualTo(key);
        assertThat(r.value()).isEqualTo("v1");
        assertThat(r.partition()).isEqualTo(p);
        assertThat(r.offset()).isEqualTo(stored.getSeq());
        assertThat(r.publishedAtMs()).as("the log's clock at publish").isEqualTo(publishedAt);
        assertThat(r.headers()).isEqualTo(Map.of("traceparent", "00-abc-01", "empty", "", "spaced", "a  b"));
    }

    @Test
    @SuppressWarnings("try") // the subscriptions only need closing
    void aGroupIsOneDurablePullConsumerPerPartitionWithExplicitAcksOneRecordInFlightAndTheGroupRetention()
            throws Exception {
        NatsEventLog log = log(builder().groupRetention(Duration.ofHours(5)));
        Topic<String> t = topic();
        try (Subscription s = log.subscribe(t, "agg.v2", r -> {})) {
            JetStreamManagement jsm = raw.jetStreamManagement();
            for (int p = 0; p < 4; p++) {
                var c = jsm.getConsumerInfo(log.streamName(t.name()), "agg_2ev2-p" + p).getConsumerConfiguration();
                assertThat(c.getDurable()).isEqualTo("agg_2ev2-p" + p);
                assertThat(c.getFilterSubject()).isEqualTo(t.name() + ".p" + p);
                assertThat(c.getAckPolicy()).isEqualTo(io.nats.client.api.AckPolicy.Explicit);
                assertThat(c.getMaxAckPending()).isEqualTo(1);
                assertThat(c.getAckWait()).isEqualTo(Duration.ofSeconds(2));
                assertThat(c.getInactiveThreshold()).isEqualTo(Duration.ofHours(5));
                assertThat(c.getDeliverSubject()).as("pull").isNull();
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the subscriptions only need closing
    void aRecordThatDoesNotDecodeIsLoggedCountedTerminatedAndTheNextOneIsHandled() throws Exception {
        NatsEventLog log = log();
        Topic<String> t = topic();
        String subject = t.name() + ".p" + log.partitionFor("k");
        raw.jetStream().publish(subject, "no headers".getBytes(StandardCharsets.UTF_8));
        Headers wrongVersion = headers("2", "k");
        raw.jetStream().publish(subject, wrongVersion, t.encode("v2 record"));
        raw.jetStream().publish(subject, headers("1", "k"), new byte[] {0, 9, 'x'}); // length 9, one byte
        Headers noKey = headers("1", "k");
        noKey.remove("m0-key");
        raw.jetStream().publish(subject, noKey, t.encode("keyless"));
        log.publish(t, "k", "good");

        List<String> seen = new CopyOnWriteArrayList<>();
        try (Subscription s = log.subscribe(t, "g", r -> seen.add(r.value()))) {
            await("the good record", () -> seen.contains("good"));
            await("nothing left", () -> s.lag() == 0);
        }
        assertThat(seen).containsExactly("good");
        assertThat(counter(registry, "m0_eventlog_malformed_total", "topic", t.name(), "group", "g")).isEqualTo(4);
        assertThat(counter(registry, "m0_eventlog_skipped_total", "topic", t.name())).isZero();
        assertThat(counter(registry, "m0_eventlog_handler_errors_total", "topic", t.name())).isZero();

        // Terminated, not handed back: a new instance of the group finds nothing to do.
        List<String> again = new CopyOnWriteArrayList<>();
        NatsEventLog second = builder().build(new PrometheusRegistry(), clock);
        opened.add(second);
        try (Subscription s = second.subscribe(t, "g", r -> again.add(r.value()))) {
            log.publish(t, "k", "after");
            await("the next record", () -> again.contains("after"));
        }
        assertThat(again).containsExactly("after");
    }

    private Headers headers(String version, String key) {
        Headers h = new Headers();
        h.put("m0-schema-version", version);
        h.put("m0-published-at-ms", Long.toString(clock.millis()));
        h.put("m0-key", key);
        return h;
    }

    @Test
    void aHandlerThatFailsEveryAttemptIsCountedSkippedAndNotRedelivered() throws Exception {
        NatsEventLog log = log(builder().maxAttempts(3));
        Topic<String> t = topic();
        AtomicInteger poisonAttempts = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Subscription s = log.subscribe(t, "g", r -> {
            if (r.value().equals("poison")) {
                poisonAttempts.incrementAndGet();
                throw new IllegalStateException("always");
            }
            handled.add(r.value());
        })) {
            log.publish(t, "k", "poison");
            log.publish(t, "k", "next");
            await("the next record", () -> handled.contains("next"));
            await("nothing left", () -> s.lag() == 0);
        }
        assertThat(poisonAttempts.get()).isEqualTo(3);
        assertThat(counter(registry, "m0_eventlog_handler_errors_total", "topic", t.name(), "group", "g"))
                .isEqualTo(3);
        assertThat(counter(registry, "m0_eventlog_skipped_total", "topic", t.name(), "group", "g")).isEqualTo(1);
    }

    @Test
    void headersTheLogOrNatsReserveOrThatNatsCannotCarryAreRefusedNamingTheHeader() {
        NatsEventLog log = log();
        Topic<String> t = topic();
        assertThatThrownBy(() -> log.publish(t, "k", "v", Map.of("m0-key", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m0-key").hasMessageContaining(
                        "reserved");
        assertThatThrownBy(() -> log.publish(t, "k", "v", Map.of("Nats-Msg-Id", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Nats-Msg-Id");
        assertThatThrownBy(() -> log.publish(t, "k", "v", Map.of("a b", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a b\"");
        assertThatThrownBy(() -> log.publish(t, "k", "v", Map.of("trace", "é")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trace")
                .hasMessageContaining("ASCII");
        assertThatThrownBy(() -> log.publish(t, "k", "v", Map.of("trace", "x ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end with a space");
        assertThatThrownBy(() -> log.publish(t, "", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key");
        assertThat(counter(registry, "m0_eventlog_published_total", "topic", t.name())).isZero();
    }

    @Test
    void aTopicWhoseStreamDoesNotExistFailsNamingTheStreamAndTheInitCommand() {
        NatsEventLog log = log();
        Topic<String> t = newTopic(); // no stream made
        assertThatThrownBy(() -> log.subscribe(t, "g", r -> {})).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(log.streamName(t.name())).hasMessageContaining("m0 eventlog init");
        assertThatThrownBy(() -> log.publish(t, "k", "v")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("m0 eventlog init");
        assertThat(counter(registry, "m0_eventlog_missing_topic_total", "topic", t.name())).isEqualTo(2);
        assertThat(counter(registry, "m0_eventlog_publish_errors_total", "topic", t.name(), "reason",
                "missing_topic")).isEqualTo(1);
        assertThat(counter(registry, "m0_eventlog_dropped_total", "topic", t.name())).isEqualTo(1);
    }

    @Test
    void aStreamLaidOutForAnotherNumberOfPartitionsIsRefusedNamingBoth() {
        Topic<String> t = newTopic();
        try (NatsStreams two = new NatsStreams(server.url(), new StreamSettings("LT", 2, 1, Duration.ofHours(1)))) {
            two.ensure(t.name());
        }
        NatsEventLog log = log();
        assertThatThrownBy(() -> log.publish(t, "k", "v")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has 2 partitions").hasMessageContaining("configured with 4");
    }

    @Test
    void replayStartsEachPartitionAtItsFirstRecordInsideTheWindowByTheLogsClockEveryTimeItSubscribes()
            throws Exception {
        NatsEventLog log = log();
        Topic<String> t = topic();
        for (int i = 0; i < 300; i++) {
            log.publish(t, "m" + (i % 10), "m" + (i % 10) + ":" + i);
            clock.advance(Duration.ofSeconds(1));
        }
        // now = start + 300 s; the window of 100 s holds the records published at 200 s .. 299 s.
        List<String> expected = new ArrayList<>();
        for (int i = 200; i < 300; i++) {
            expected.add("m" + (i % 10) + ":" + i);
        }
        for (int run = 0; run < 2; run++) {
            List<String> seen = new CopyOnWriteArrayList<>();
            try (Subscription s = log.subscribe(t, "window", SubscribeFrom.replay(Duration.ofSeconds(100)),
                    r -> seen.add(r.value()))) {
                await("the window", () -> seen.size() >= 100);
                await("nothing left", () -> s.lag() == 0);
            }
            assertThat(seen).as("run " + run).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void statusIsUpWhileJetStreamAnswersAndDownOnceClosed() {
        NatsEventLog log = log();
        EventLogStatus up = log.status();
        assertThat(up.reachable()).isTrue();
        assertThat(up.detail()).contains("connected").contains("JetStream");
        log.close();
        assertThat(log.status()).isEqualTo(EventLogStatus.down("event log closed"));
        assertThatThrownBy(() -> log.publish(topic(), "k", "v")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    @SuppressWarnings("try") // the subscriptions only need closing
    void theMetricsHaveTheNamesOfTheInProcessAndKafkaLogs() throws Exception {
        NatsEventLog log = log();
        Topic<String> t = topic();
        log.publish(t, "k", "v");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Subscription s = log.subscribe(t, "g", r -> seen.add(r.value()))) {
            await("the record", () -> !seen.isEmpty());
            List<String> names = registry.scrape().stream().map(MetricSnapshot::getMetadata)
                    .map(m -> m.getName()).toList();
            assertThat(names).contains("m0_eventlog_published", "m0_eventlog_dropped", "m0_eventlog_handler_errors",
                    "m0_eventlog_skipped", "m0_eventlog_lag", "m0_eventlog_consumer_errors",
                    "m0_eventlog_publish_errors", "m0_eventlog_missing_topic", "m0_eventlog_malformed");
        }
        assertThat(counter(registry, "m0_eventlog_published_total", "topic", t.name())).isEqualTo(1);
    }

    @Test
    void aBadServerListIsRefusedAndCredentialsNeverAppearInAnError() {
        assertThatThrownBy(() -> NatsEventLog.builder().servers("http://127.0.0.1:4222"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nats://");
        assertThatThrownBy(() -> NatsEventLog.builder().servers("nats://127.0.0.1:1,"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty entry");
        int closedPort = server.port() == 1 ? 2 : 1;
        assertThatThrownBy(() -> NatsEventLog.builder().servers("nats://m0:s3cret@127.0.0.1:" + closedPort)
                .connectTimeout(Duration.ofMillis(500)).build(new PrometheusRegistry(), clock))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("could not connect")
                .hasMessageContaining("***@127.0.0.1").satisfies(e -> assertThat(e.toString()).doesNotContain(
                        "s3cret"));
    }

    @Test
    void nkeySigningWorksWithTheBouncyCastleOfTheApp() throws Exception {
        // jnats' own bcprov-lts8on is excluded in favour of bcprov-jdk18on: NKey authentication must still sign.
        NKey user = NKey.createUser(null);
        byte[] nonce = "nonce".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = user.sign(nonce);
        assertThat(NKey.fromPublicKey(user.getPublicKey()).verify(nonce, signature)).isTrue();
    }
}
