package com.m0club.adapter.eventlog.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.eventlog.nats.NatsStreams.Outcome;
import com.m0club.adapter.eventlog.nats.NatsStreams.Result;
import com.m0club.adapter.eventlog.nats.testing.NatsServerProcess;
import com.m0club.eventlog.Topics;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stream administration behind {@code m0 eventlog init}: idempotent, grows in place, refuses what loses data. */
class NatsStreamsTest {
    private static NatsServerProcess server;
    private static Connection raw;
    private static JetStreamManagement jsm;

    @BeforeAll
    static void startServer() throws Exception {
        server = NatsServerProcess.start();
        raw = Nats.connect(server.url());
        jsm = raw.jetStreamManagement();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (raw != null) {
            raw.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String freshPrefix() {
        return "S" + UUID.randomUUID().toString().substring(0, 6);
    }

    private static NatsStreams streams(String prefix, int partitions, Duration maxAge) {
        return new NatsStreams(server.url(), new StreamSettings(prefix, partitions, 1, maxAge));
    }

    @Test
    void ensureAllMakesOneFileStreamPerM0TopicWithItsPartitionSubjectsReplicasAndMaxAge() throws Exception {
        String prefix = freshPrefix();
        try (NatsStreams streams = streams(prefix, 8, Duration.ofHours(72))) {
            List<Result> results = streams.ensureAll();
            assertThat(results).extracting(Result::topic).containsExactlyElementsOf(NatsStreams.M0_TOPICS);
            assertThat(results).extracting(Result::outcome).containsOnly(Outcome.CREATED);
            StreamConfiguration events = jsm.getStreamInfo(prefix + "_m0_events").getConfiguration();
            assertThat(events.getSubjects()).containsExactlyInAnyOrder("m0.events.p0", "m0.events.p1",
                    "m0.events.p2", "m0.events.p3", "m0.events.p4", "m0.events.p5", "m0.events.p6", "m0.events.p7");
            assertThat(events.getStorageType()).isEqualTo(StorageType.File);
            assertThat(events.getRetentionPolicy()).isEqualTo(RetentionPolicy.Limits);
            assertThat(events.getReplicas()).isEqualTo(1);
            assertThat(events.getMaxAge()).isEqualTo(Duration.ofHours(72));
            assertThat(events.getMaxBytes()).isEqualTo(-1);
            assertThat(results.getFirst().toString()).isEqualTo("m0.events -> stream " + prefix
                    + "_m0_events: created");
        } finally {
            deleteStreams(prefix);
        }
    }

    @Test
    void ensureIsIdempotent() throws Exception {
        String prefix = freshPrefix();
        try (NatsStreams streams = streams(prefix, 4, Duration.ofHours(1))) {
            streams.ensureAll();
            StreamConfiguration before = jsm.getStreamInfo(prefix + "_m0_outputs").getConfiguration();
            assertThat(streams.ensureAll()).extracting(Result::outcome).containsOnly(Outcome.UNCHANGED);
            try (NatsStreams again = streams(prefix, 4, Duration.ofHours(1))) {
                assertThat(again.ensureAll()).extracting(Result::outcome).containsOnly(Outcome.UNCHANGED);
            }
            assertThat(jsm.getStreamInfo(prefix + "_m0_outputs").getConfiguration().toJson())
                    .isEqualTo(before.toJson());
        } finally {
            deleteStreams(prefix);
        }
    }

    @Test
    void morePartitionsAnotherMaxAgeOrAByteLimitUpdateTheStreamInPlaceKeepingItsRecords() throws Exception {
        String prefix = freshPrefix();
        String stream = prefix + "_m0_events";
        try {
            try (NatsStreams streams = streams(prefix, 2, Duration.ofHours(1))) {
                assertThat(streams.ensure(Topics.EVENTS).outcome()).isEqualTo(Outcome.CREATED);
            }
            raw.jetStream().publish("m0.events.p1", "kept".getBytes(StandardCharsets.UTF_8));
            try (NatsStreams streams = new NatsStreams(server.url(), new StreamSettings(prefix, 4, 1,
                    Duration.ofHours(2), 64L * 1024 * 1024))) {
                assertThat(streams.ensure(Topics.EVENTS).outcome()).isEqualTo(Outcome.UPDATED);
                assertThat(streams.ensure(Topics.EVENTS).outcome()).isEqualTo(Outcome.UNCHANGED);
            }
            StreamConfiguration c = jsm.getStreamInfo(stream).getConfiguration();
            assertThat(c.getSubjects()).containsExactlyInAnyOrder("m0.events.p0", "m0.events.p1", "m0.events.p2",
                    "m0.events.p3");
            assertThat(c.getMaxAge()).isEqualTo(Duration.ofHours(2));
            assertThat(c.getMaxBytes()).isEqualTo(64L * 1024 * 1024);
            assertThat(c.getDiscardPolicy()).as("full refuses new records").isEqualTo(DiscardPolicy.New);
            assertThat(jsm.getStreamInfo(stream).getStreamState().getMsgCount()).isEqualTo(1);
        } finally {
            deleteStreams(prefix);
        }
    }

    @Test
    void fewerPartitionsThanTheStreamHasAreRefusedNamingBoth() throws Exception {
        String prefix = freshPrefix();
        try {
            try (NatsStreams streams = streams(prefix, 8, Duration.ofHours(1))) {
                streams.ensure(Topics.FEATURES);
            }
            try (NatsStreams streams = streams(prefix, 4, Duration.ofHours(1))) {
                assertThatThrownBy(() -> streams.ensure(Topics.FEATURES)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining(prefix + "_m0_features").hasMessageContaining("has 8 partitions")
                        .hasMessageContaining("shrink it to 4");
            }
            assertThat(jsm.getStreamInfo(prefix + "_m0_features").getConfiguration().getSubjects()).hasSize(8);
        } finally {
            deleteStreams(prefix);
        }
    }

    @Test
    void twoTopicsWhoseNamesMapToOneStreamAreCaughtNotMixed() throws Exception {
        String prefix = freshPrefix();
        try (NatsStreams streams = streams(prefix, 2, Duration.ofHours(1))) {
            streams.ensure("x.y");
            assertThatThrownBy(() -> streams.ensure("x_y")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(prefix + "_x_y").hasMessageContaining("another stream prefix");
        } finally {
            deleteStreams(prefix);
        }
    }

    @Test
    void theTopicsLaidOutAreEveryNameInTopics() throws Exception {
        List<String> names = Arrays.stream(Topics.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .map(NatsStreamsTest::value).toList();
        assertThat(NatsStreams.M0_TOPICS).containsExactlyInAnyOrderElementsOf(names);
    }

    private static String value(Field f) {
        try {
            return (String) f.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new StreamSettings("M0", 0, 1, Duration.ofHours(1)))
                .hasMessageContaining("partitions");
        assertThatThrownBy(() -> new StreamSettings("M0", 4, 6, Duration.ofHours(1))).hasMessageContaining("replicas");
        assertThatThrownBy(() -> new StreamSettings("M0", 4, 1, Duration.ofSeconds(5))).hasMessageContaining("maxAge");
        assertThatThrownBy(() -> new StreamSettings("M0.x", 4, 1, Duration.ofHours(1))).hasMessageContaining(
                "streamPrefix");
        assertThatThrownBy(() -> new StreamSettings("M0", 4, 1, Duration.ofHours(1), 10)).hasMessageContaining(
                "maxBytes");
    }

    private static void deleteStreams(String prefix) throws Exception {
        for (String name : jsm.getStreamNames()) {
            if (name.startsWith(prefix + "_")) {
                jsm.deleteStream(name);
            }
        }
    }
}
