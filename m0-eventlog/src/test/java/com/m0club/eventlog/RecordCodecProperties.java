package com.m0club.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.eventlog.testing.CodecChecks;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** The shared layout ({@link RecordWriter}, {@link RecordReader}), the topic's version check, the log's round trip. */
class RecordCodecProperties {
    /** A record using every field kind of the layout. */
    record Sample(int small, int medium, int word, long big, double real, boolean flag, String text, byte[] blob,
            List<String> tags) {}

    static final RecordCodec<Sample> SAMPLE = new RecordCodec<>() {
        @Override
        public byte[] encode(Sample s) {
            RecordWriter w = new RecordWriter().u8(s.small()).u16(s.medium()).i32(s.word()).i64(s.big())
                    .f64(s.real()).bool(s.flag()).str(s.text()).bytes(s.blob()).count(s.tags().size());
            s.tags().forEach(w::str);
            return w.toByteArray();
        }

        @Override
        public Sample decode(byte[] bytes) {
            return RecordReader.decode("Sample", bytes, r -> {
                int small = r.u8("small");
                int medium = r.u16("medium");
                int word = r.i32("word");
                long big = r.i64("big");
                double real = r.f64("real");
                boolean flag = r.bool("flag");
                String text = r.str("text");
                byte[] blob = r.bytes("blob");
                int n = r.count("tags", 2);
                String[] tags = new String[n];
                for (int i = 0; i < n; i++) {
                    tags[i] = r.str("tags[" + i + "]");
                }
                return new Sample(small, medium, word, big, real, flag, text, blob, List.of(tags));
            });
        }
    };

    static Sample sample(int small, int medium, int word, long big, double real, boolean flag, String text,
            byte[] blob, List<String> tags) {
        return new Sample(small & 0xFF, medium & 0xFFFF, word, big, real, flag, text, blob, tags);
    }

    @Property(tries = 200)
    void everyFieldKindRoundTrips(@ForAll int small, @ForAll int medium, @ForAll int word, @ForAll long big,
            @ForAll double real, @ForAll boolean flag, @ForAll @StringLength(max = 40) String text,
            @ForAll @Size(max = 40) byte[] blob, @ForAll @Size(max = 8) List<@StringLength(max = 20) String> tags) {
        Sample s = sample(small, medium, word, big, real, flag, text, blob, tags);
        Sample copy = CodecChecks.roundTrip(SAMPLE, s);
        assertThat(copy).usingRecursiveComparison().isEqualTo(s);
        CodecChecks.truncationsAndTrailingBytesFail(SAMPLE, SAMPLE.encode(s));
    }

    @Property(tries = 1000)
    void arbitraryBytesFailOnlyWithTheDocumentedException(@ForAll byte[] bytes) {
        CodecChecks.arbitraryBytesFailCleanly(SAMPLE, bytes);
    }

    @Example
    void goldenVector() {
        Sample s = new Sample(0xAB, 0x1234, -2, 0x0102030405060708L, 1.5, true, "m0", new byte[] {9}, List.of("x"));
        Sample back = CodecChecks.golden(SAMPLE, s, "ab 1234 fffffffe 0102030405060708 3ff8000000000000 01 0002 6d30"
                + " 00000001 09 00000001 0001 78");
        assertThat(back).usingRecursiveComparison().isEqualTo(s);
    }

    @Example
    void malformedInputNamesTheRecordTheFieldAndTheRule() {
        byte[] good = SAMPLE.encode(sample(1, 2, 3, 4, 5, false, "t", new byte[0], List.of()));
        assertThatThrownBy(() -> SAMPLE.decode(java.util.Arrays.copyOf(good, 10)))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("Sample: field big: truncated: needs 8 bytes at offset 7, 3 left");
        byte[] badBool = good.clone();
        badBool[23] = 2;
        assertThatThrownBy(() -> SAMPLE.decode(badBool)).isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("field flag: a boolean is 0 or 1, got 2");
        byte[] hugeCount = good.clone();
        hugeCount[hugeCount.length - 4] = 0x7F;
        assertThatThrownBy(() -> SAMPLE.decode(hugeCount)).isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("field tags: count").hasMessageContaining("cannot fit");
        assertThatThrownBy(() -> SAMPLE.decode(null)).isInstanceOf(RecordFormatException.class);
    }

    @Example
    void theTopicChecksTheSchemaVersionAndNamesItselfInFailures() {
        Topic<String> topic = Topic.of(Topics.EVENTS, String.class, 2, StringCodec.INSTANCE);
        byte[] payload = topic.encode("hello");
        assertThat(topic.decode(2, payload)).isEqualTo("hello");
        assertThatThrownBy(() -> topic.decode(1, payload)).isInstanceOf(RecordFormatException.class)
                .hasMessage("m0.events: field schema_version: this consumer reads version 2, got 1");
        assertThatThrownBy(() -> topic.decode(2, new byte[] {0, 5, 'a'})).isInstanceOf(RecordFormatException.class)
                .hasMessageStartingWith("m0.events String: field value: truncated");
    }

    @Example
    void theLogDeliversDecodedCopiesWhenAskedToRoundTrip() throws InterruptedException {
        Topic<Sample> topic = Topic.of(Topics.OUTPUTS, Sample.class, 1, SAMPLE);
        InstantSource clock = InstantSource.fixed(Instant.EPOCH);
        try (InProcessEventLog log = InProcessEventLog.builder().partitions(1).codecRoundTrip(true)
                .build(new PrometheusRegistry(), clock)) {
            List<Sample> got = new CopyOnWriteArrayList<>();
            CountDownLatch one = new CountDownLatch(1);
            log.subscribe(topic, "g", r -> {
                got.add(r.value());
                one.countDown();
            });
            Sample s = sample(1, 2, 3, 4, 0.25, true, "k", new byte[] {1, 2}, List.of("a", "b"));
            log.publish(topic, "K", s);
            assertThat(one.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(got.get(0)).isNotSameAs(s).usingRecursiveComparison().isEqualTo(s);
        }
    }

    @Example
    void aCodecThatCannotCarryTheRecordFailsThePublish() {
        RecordCodec<String> lossy = new RecordCodec<>() {
            @Override
            public byte[] encode(String record) {
                return new RecordWriter().str(record).toByteArray();
            }

            @Override
            public String decode(byte[] bytes) {
                return RecordReader.decode("String", bytes, r -> r.str("value").toUpperCase());
            }
        };
        Topic<String> topic = Topic.of(Topics.EVENTS, String.class, 1, lossy);
        try (InProcessEventLog log = InProcessEventLog.builder().codecRoundTrip(true)
                .build(new PrometheusRegistry(), InstantSource.fixed(Instant.EPOCH))) {
            log.publish(topic, "K", "ABC");
            assertThatThrownBy(() -> log.publish(topic, "K", "abc")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not survive its codec");
        }
    }
}
