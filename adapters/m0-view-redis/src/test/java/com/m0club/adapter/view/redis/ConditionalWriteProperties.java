package com.m0club.adapter.view.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.adapter.view.redis.testing.RedisServerProcess;
import com.m0club.view.ServedValue;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * The correctness rule of the cache on a real redis-server: whatever order the writers reach Redis in (the
 * reconciler's publish, API read-throughs, catch-ups), with redeliveries, the cache ends holding the value with the
 * greatest {@link OrderKey}, and the fan-out channel carries each value at most once, in increasing key order, and
 * the greatest published one certainly.
 */
class ConditionalWriteProperties {
    private static RedisServerProcess redis;
    private static RedisView view;
    private static StatefulRedisPubSubConnection<byte[], byte[]> listener;
    private static final List<ServedValue> heard = new CopyOnWriteArrayList<>();

    @BeforeContainer
    static void startRedis() {
        redis = RedisServerProcess.start();
        view = TestValues.view(redis.url(), new PrometheusRegistry());
        TestValues.await("the command connection", Duration.ofSeconds(30), view::commandsUp);
        listener = view.connectPubSub();
        listener.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                heard.add((ServedValue) view.decodeMessage(message));
            }
        });
        listener.sync().subscribe(view.channel());
    }

    @AfterContainer
    static void stopRedis() {
        listener.close();
        view.close();
        redis.close();
    }

    @BeforeTry
    void emptyRedis() {
        view.commands().flushall();
        heard.clear();
    }

    /**
     * One step of the world: PostgreSQL commits the market's next value (the reconciler then offers it, maybe late,
     * maybe twice), a reconciler delivery, an API read-through that read PostgreSQL at some point and writes later, a
     * catch-up that took Redis's time, read PostgreSQL and writes later. {@code pick} chooses among the pending ones.
     */
    enum Op { COMMIT, RECONCILER_PUBLISH, READ_THROUGH_READ, READ_THROUGH_WRITE, CATCH_UP_READ, CATCH_UP_WRITE }

    record Step(Op op, int pick) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(Arbitraries.of(Op.class), Arbitraries.integers().between(0, 1_000)).as(Step::new)
                .list().ofMinSize(1).ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<ServedValue>> histories() {
        // a market's values in PostgreSQL's commit order: strictly increasing keys (slot, then sequence, finalized)
        return Arbitraries.integers().between(1, 3).list().ofMinSize(2).ofMaxSize(12).map(gaps -> {
            List<ServedValue> history = new ArrayList<>();
            long slot = 0;
            long sequence = 1;
            boolean finalized = false;
            for (int gap : gaps) {
                switch (gap) {
                    case 1 -> { slot += 1; sequence += 1; finalized = false; }
                    case 2 -> { sequence += 1; finalized = false; }
                    default -> {
                        if (finalized) {
                            slot += 1;
                            sequence += 1;
                            finalized = false;
                        } else {
                            finalized = true;
                        }
                    }
                }
                history.add(TestValues.value(sequence, slot, finalized));
            }
            return history;
        });
    }

    private record CatchUp(long readStart, ServedValue value) {}

    @Property(tries = 80)
    void theCacheNeverGoesBackAndEndsWithTheLatestValueAndEachValueIsPublishedOnceInOrder(
            @ForAll("histories") List<ServedValue> history, @ForAll("steps") List<Step> steps) {
        int committed = -1; // index of PostgreSQL's latest value
        List<ServedValue> readThroughs = new ArrayList<>();
        List<CatchUp> catchUps = new ArrayList<>();
        long published = 0;
        Optional<OrderKey> seen = Optional.empty();
        for (Step step : steps) {
            switch (step.op()) {
                case COMMIT -> committed = Math.min(committed + 1, history.size() - 1);
                case RECONCILER_PUBLISH -> {
                    if (committed >= 0) {
                        published += (view.put(history.get(step.pick() % (committed + 1)), true) & 2) != 0 ? 1 : 0;
                    }
                }
                case READ_THROUGH_READ -> {
                    if (committed >= 0) {
                        readThroughs.add(history.get(committed));
                    }
                }
                case READ_THROUGH_WRITE -> {
                    if (!readThroughs.isEmpty()) {
                        ServedValue v = readThroughs.remove(step.pick() % readThroughs.size());
                        view.sync(v.marketId(), Optional.of(v), 0);
                    }
                }
                case CATCH_UP_READ -> {
                    long t0 = view.serverTimeMicros();
                    if (committed >= 0) {
                        catchUps.add(new CatchUp(t0, history.get(committed)));
                    }
                }
                case CATCH_UP_WRITE -> {
                    if (!catchUps.isEmpty()) {
                        CatchUp c = catchUps.remove(step.pick() % catchUps.size());
                        view.sync(c.value().marketId(), Optional.of(c.value()), c.readStart());
                    }
                }
            }
            Optional<OrderKey> now = view.read(TestValues.btc()).map(OrderKey::of);
            if (seen.isPresent()) {
                assertThat(now).as("the cache never loses or replaces a newer value").isPresent();
                assertThat(now.get().compareTo(seen.get())).as("the cache never goes back").isGreaterThanOrEqualTo(0);
            }
            seen = now.or(() -> Optional.empty());
        }
        // the world settles: the reconciler finally delivers PostgreSQL's latest, late writers finish
        committed = Math.max(committed, 0);
        published += (view.put(history.get(committed), true) & 2) != 0 ? 1 : 0;
        for (ServedValue v : readThroughs) {
            view.sync(v.marketId(), Optional.of(v), 0);
        }
        for (CatchUp c : catchUps) {
            view.sync(c.value().marketId(), Optional.of(c.value()), c.readStart());
        }
        ServedValue latest = history.get(committed);
        ServedValue cached = view.read(TestValues.btc()).orElseThrow();
        assertThat(OrderKey.of(cached)).isEqualTo(OrderKey.of(latest));
        assertThat(cached.bundleHash()).isEqualTo(latest.bundleHash());

        long expected = published;
        TestValues.await(expected + " published values", Duration.ofSeconds(10), () -> heard.size() >= expected);
        assertThat(heard).hasSize((int) expected);
        for (int i = 1; i < heard.size(); i++) {
            assertThat(OrderKey.of(heard.get(i)).newerThan(OrderKey.of(heard.get(i - 1))))
                    .as("published in increasing key order, never twice").isTrue();
        }
        assertThat(OrderKey.of(heard.getLast())).as("the latest value is published").isEqualTo(OrderKey.of(latest));
    }
}
