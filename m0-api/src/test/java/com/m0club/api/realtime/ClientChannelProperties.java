package com.m0club.api.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The per-client buffer in isolation, with a hand-cranked executor so that "the client has not read yet" is a
 * state, not a race: whatever is offered, the buffer never holds more than its capacity, the oldest messages are the
 * ones dropped, every drop is counted, and the client learns how many it missed before the next message it gets.
 */
class ClientChannelProperties {

    @Property(tries = 200)
    void boundedDropOldestWithALagNotice(@ForAll @IntRange(min = 1, max = 32) int capacity,
            @ForAll @IntRange(min = 0, max = 200) int offered) {
        ArrayDeque<Runnable> executor = new ArrayDeque<>();
        RecordingSink sink = new RecordingSink();
        Events events = new Events();
        ClientChannel channel = new ClientChannel(sink, capacity, executor::add, events);

        for (int i = 0; i < offered; i++) {
            assertThat(channel.offer("m" + i)).isTrue();
            assertThat(channel.buffered()).isLessThanOrEqualTo(capacity);
        }
        int dropped = Math.max(0, offered - capacity);
        assertThat(events.dropped.get()).isEqualTo(dropped);
        assertThat(channel.droppedTotal()).isEqualTo(dropped);
        assertThat(sink.sent).isEmpty();
        assertThat(executor).hasSize(offered > 0 ? 1 : 0);

        while (!executor.isEmpty()) {
            executor.poll().run();
        }
        List<String> expected = new ArrayList<>();
        if (dropped > 0) {
            expected.add("{\"type\":\"lag\",\"dropped\":" + dropped + "}");
        }
        for (int i = dropped; i < offered; i++) {
            expected.add("m" + i);
        }
        assertThat(sink.sent).containsExactlyElementsOf(expected);
        assertThat(events.sent.get()).isEqualTo(expected.size());
        assertThat(channel.buffered()).isZero();
    }

    @Property(tries = 50)
    void aFailedSendClosesTheChannelOnce(@ForAll @IntRange(min = 1, max = 10) int capacity,
            @ForAll @IntRange(min = 1, max = 30) int offered) {
        ArrayDeque<Runnable> executor = new ArrayDeque<>();
        RecordingSink sink = new RecordingSink();
        sink.failing = true;
        Events events = new Events();
        ClientChannel channel = new ClientChannel(sink, capacity, executor::add, events);
        for (int i = 0; i < offered; i++) {
            channel.offer("m" + i);
        }
        while (!executor.isEmpty()) {
            executor.poll().run();
        }
        assertThat(events.failures.get()).isEqualTo(1);
        assertThat(events.failedChannel.get()).isSameAs(channel);
        assertThat(channel.isClosed()).isTrue();
        assertThat(sink.closedWith).isEqualTo(1011);
        assertThat(channel.offer("late")).isFalse();
        assertThat(executor).isEmpty();
    }

    private static final class RecordingSink implements MessageSink {
        final List<String> sent = new ArrayList<>();
        boolean failing;
        int closedWith;

        @Override
        public void send(String text) {
            if (failing) {
                throw new java.io.UncheckedIOException(new java.io.IOException("connection reset"));
            }
            sent.add(text);
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }
    }

    private static final class Events implements ClientChannel.Events {
        final AtomicInteger dropped = new AtomicInteger();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicReference<ClientChannel> failedChannel = new AtomicReference<>();

        @Override
        public void dropped() {
            dropped.incrementAndGet();
        }

        @Override
        public void sent() {
            sent.incrementAndGet();
        }

        @Override
        public void failed(ClientChannel channel, RuntimeException cause) {
            failures.incrementAndGet();
            failedChannel.set(channel);
        }
    }
}
