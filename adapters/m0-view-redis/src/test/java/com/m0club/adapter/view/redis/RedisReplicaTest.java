package com.m0club.adapter.view.redis;

import static com.m0club.publish.support.Fixture.BTC;
import static com.m0club.publish.support.Fixture.NBA;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.adapter.view.redis.testing.RedisServerProcess;
import com.m0club.protocol.id.MarketId;
import com.m0club.publish.reconcile.Reconciler;
import com.m0club.publish.submit.Submitter;
import com.m0club.publish.support.Fixture;
import com.m0club.publish.support.PublishWorld;
import com.m0club.view.ServedValue;
import com.m0club.view.Withdrawal;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache and the fan-out over a real redis-server of the test's own and the real publishing plane (PostgreSQL
 * schema, local ledger, submitter, reconciler): the reconciler's hub feeds a {@link ServedValuePublisher}, and each
 * "replica" is its own {@link RedisView} (its own connections, as another process would have) with a
 * {@link RedisReplica} over the PostgreSQL read model.
 */
class RedisReplicaTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final RedisReplica.Settings FAST = new RedisReplica.Settings(Duration.ofMillis(100),
            Duration.ofHours(1));

    @TempDir
    Path dir;
    private PublishWorld world;
    private Submitter submitter;
    private Reconciler reconciler;
    private RedisServerProcess redis;
    private RedisView reconcilerSide;
    private ServedValuePublisher publisher;
    private final PrometheusRegistry reconcilerRegistry = new PrometheusRegistry();
    private final List<Replica> replicas = new ArrayList<>();
    private long sequence;

    /** One API replica: its view, its replica, and what its subscribers received. */
    record Replica(PrometheusRegistry registry, RedisView view, RedisReplica replica, List<ServedValue> values,
            List<Withdrawal> withdrawals) {
        List<String> received() {
            return values.stream().map(RedisReplicaTest::describe).toList();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        world = new PublishWorld(dir.resolve("ledger"));
        submitter = world.submitter(world.registry, 1);
        reconciler = world.reconciler(new PrometheusRegistry());
        redis = RedisServerProcess.start();
    }

    @AfterEach
    void tearDown() {
        replicas.forEach(r -> r.view().close());
        if (reconcilerSide != null) {
            reconcilerSide.close();
        }
        redis.close();
        world.close();
    }

    /** The reconciler's side as the node wires it: every announced value and withdrawal goes to Redis. */
    private void publishToRedis() {
        reconcilerSide = TestValues.view(redis.url(), reconcilerRegistry);
        publisher = reconcilerSide.publisher(1_000, Duration.ofMillis(50));
        world.hub.subscribe(publisher::publish);
        world.hub.subscribeWithdrawals(publisher::withdraw);
    }

    private Replica replica() {
        PrometheusRegistry registry = new PrometheusRegistry();
        RedisView view = TestValues.view(redis.url(), registry);
        List<ServedValue> values = new CopyOnWriteArrayList<>();
        List<Withdrawal> withdrawals = new CopyOnWriteArrayList<>();
        Replica r = new Replica(registry, view, view.replica(world.readModel, values::add, withdrawals::add, FAST),
                values, withdrawals);
        replicas.add(r);
        TestValues.await("replica in sync", PATIENCE, r.replica()::inSync);
        return r;
    }

    /** Builds, signs, commits and reveals a bundle of both markets, and reconciles it (the hub announces). */
    private void reveal() throws InterruptedException {
        world.clock.advance(5_000);
        var built = world.signed(++sequence);
        assertThat(submitter.submit(built.hash())).isInstanceOf(Submitter.Outcome.Revealed.class);
        reconciler.drain();
    }

    /** Finalizes every due epoch and reconciles it. */
    private void finalizeEpochs() throws InterruptedException {
        long epochEnd = Fixture.SCHEDULE.epochAt(world.clock.millis()).endMs();
        world.clock.set(epochEnd + Fixture.TIMING.finalizationDelayMs());
        submitter.finalizeDue();
        reconciler.drain();
    }

    private static String describe(ServedValue v) {
        return v.marketId().value() + "/" + v.bundleHash().toHex().substring(0, 8) + "/" + v.ledgerStatus();
    }

    private List<String> postgresLatest() {
        return List.of(BTC, NBA).stream().map(m -> world.readModel.latest(m).map(RedisReplicaTest::describe)
                .orElse(m.value() + "/none")).toList();
    }

    private static Optional<String> latest(Replica r, MarketId market) {
        return r.replica().readModel().latest(market).map(RedisReplicaTest::describe);
    }

    private static double counter(Replica r, String name, String... labels) {
        return Fixture.counter(r.registry(), name, labels);
    }

    @Test
    void aMissReadsThroughFromPostgresqlStoresTheValueAndTheNextReadIsAHit() throws Exception {
        Replica r = replica(); // nothing writes Redis but the replica itself
        reveal();
        String expected = describe(world.readModel.latest(BTC).orElseThrow());

        assertThat(latest(r, BTC)).contains(expected);
        assertThat(counter(r, "m0_redis_cache_misses_total")).isEqualTo(1);
        assertThat(latest(r, BTC)).contains(expected);
        assertThat(counter(r, "m0_redis_cache_hits_total")).isEqualTo(1);
        ServedValue cached = r.view().read(BTC).orElseThrow();
        assertThat(TestValues.VALUES.encoder().apply(cached))
                .as("the cached value is PostgreSQL's, byte for byte through the topic codec")
                .isEqualTo(TestValues.VALUES.encoder().apply(world.readModel.latest(BTC).orElseThrow()));
        assertThat(r.replica().readModel().latest(MarketId.of("NOT_A_MARKET"))).isEmpty();
    }

    @Test
    void eachValueReachesTheSubscribersOfEveryReplicaExactlyOnce() throws Exception {
        publishToRedis();
        Replica a = replica();
        Replica b = replica();
        List<String> announced = new CopyOnWriteArrayList<>();
        world.hub.subscribe(v -> announced.add(describe(v)));

        reveal();
        reveal();
        // redeliveries: the reconciler announcing again (a restart), and a raw duplicate on the channel
        world.readModel.latest(BTC).ifPresent(world.hub::publish);
        ServedValue nba = world.readModel.latest(NBA).orElseThrow();
        reconcilerSide.commands().publish(reconcilerSide.channel(), reconcilerSide.encodeValue(nba));
        finalizeEpochs();
        reveal();

        List<String> distinct = announced.stream().distinct().toList();
        assertThat(distinct).hasSizeGreaterThanOrEqualTo(8); // 3 reveals x 2 markets + finalizations
        for (Replica r : List.of(a, b)) {
            TestValues.await("every value at the replica", PATIENCE,
                    () -> r.received().containsAll(distinct));
            TestValues.await("the raw duplicate heard", PATIENCE,
                    () -> counter(r, "m0_redis_fanout_duplicates_total") >= 1);
            assertThat(r.received()).as("each value once, in the order announced").isEqualTo(distinct);
            assertThat(counter(r, "m0_redis_fanout_delivered_total", "source", "pubsub"))
                    .isEqualTo(distinct.size());
        }
        assertThat(Fixture.counter(reconcilerRegistry, "m0_redis_fanout_published_total"))
                .as("published once per value").isEqualTo(distinct.size());
    }

    @Test
    void whileRedisIsDownReadsGoToPostgresqlAndAfterItReturnsTheCacheIsCorrectAndNoValueIsMissed()
            throws Exception {
        publishToRedis();
        Replica a = replica();
        Replica b = replica();
        reveal();
        for (Replica r : List.of(a, b)) {
            TestValues.await("the first value", PATIENCE, () -> r.values().size() == 2);
            assertThat(latest(r, BTC)).contains(postgresLatest().getFirst());
        }
        assertThat(a.view().health().healthy()).isTrue();

        redis.kill();
        for (Replica r : List.of(a, b)) {
            TestValues.await("the replica out of sync", PATIENCE, () -> !r.replica().inSync());
        }
        assertThat(a.view().health().healthy()).isFalse();
        assertThat(a.view().health().detail()).contains("PostgreSQL").doesNotContain("redis://");

        reveal();
        reveal(); // published while Redis is down: PostgreSQL has them, the publisher's queue holds them
        List<String> duringOutage = postgresLatest();
        for (Replica r : List.of(a, b)) {
            assertThat(List.of(latest(r, BTC).orElseThrow(), latest(r, NBA).orElseThrow()))
                    .as("reads answer PostgreSQL's latest").isEqualTo(duringOutage);
            assertThat(counter(r, "m0_redis_fallback_total")).isGreaterThanOrEqualTo(2);
            TestValues.await("the outage's latest values polled from PostgreSQL", PATIENCE,
                    () -> r.received().containsAll(duringOutage));
        }

        redis.restart(); // empty: everything Redis held is gone
        for (Replica r : List.of(a, b)) {
            TestValues.await("the replica in sync again", PATIENCE, r.replica()::inSync);
        }
        TestValues.await("the publisher's queue written", PATIENCE, () -> publisher.pending() == 0);
        for (Replica r : List.of(a, b)) {
            double hits = counter(r, "m0_redis_cache_hits_total");
            assertThat(List.of(latest(r, BTC).orElseThrow(), latest(r, NBA).orElseThrow()))
                    .as("the cache holds PostgreSQL's latest again").isEqualTo(postgresLatest());
            assertThat(counter(r, "m0_redis_cache_hits_total")).as("served from the repopulated cache")
                    .isEqualTo(hits + 2);
            assertThat(counter(r, "m0_redis_reconnects_total", "connection", "pubsub")).isGreaterThanOrEqualTo(1);
        }
        assertThat(a.view().health().healthy()).isTrue();

        reveal();
        List<String> after = postgresLatest();
        for (Replica r : List.of(a, b)) {
            TestValues.await("a value published after the outage", PATIENCE, () -> r.received().containsAll(after));
            assertThat(r.received()).as("no value twice").doesNotHaveDuplicates();
            assertThat(r.received()).containsAll(duringOutage);
        }
    }

    @Test
    void aWithdrawnValueLeavesTheCacheAndReachesEveryReplicaOnce() throws Exception {
        publishToRedis();
        Replica a = replica();
        reveal();
        reveal();
        ServedValue withdrawnValue = world.readModel.latest(BTC).orElseThrow();
        TestValues.await("the values", PATIENCE, () -> a.values().size() == 4);
        assertThat(latest(a, BTC)).contains(describe(withdrawnValue));

        // what the reconciler's restart check does for a bundle the ledger does not back
        for (MarketId m : world.view.withdraw(withdrawnValue.bundleHash(), "test", world.clock.millis())) {
            world.hub.publishWithdrawal(m, withdrawnValue.bundleHash());
        }
        TestValues.await("the withdrawals", PATIENCE, () -> a.withdrawals().size() == 2);
        assertThat(a.withdrawals()).extracting(Withdrawal::bundleHash).containsOnly(withdrawnValue.bundleHash());
        assertThat(latest(a, BTC)).as("PostgreSQL serves nothing for BTC any more").isEmpty();
        assertThat(a.view().read(BTC)).as("the cache entry is a tombstone").isEmpty();
        // a late redelivery of the withdrawn value is neither cached nor published again
        assertThat(reconcilerSide.put(withdrawnValue, true)).isEqualTo(-1);
        assertThat(a.view().read(BTC)).isEmpty();

        reveal();
        TestValues.await("the next value", PATIENCE, () -> a.values().size() == 6);
        assertThat(latest(a, BTC)).contains(postgresLatest().getFirst());
    }

    @Test
    void aCatchUpTombstonesAValuePostgresqlWithdrewWhileRedisDidNotHearIt() throws Exception {
        publishToRedis();
        Replica a = replica();
        reveal();
        ServedValue gone = world.readModel.latest(BTC).orElseThrow();
        TestValues.await("the values", PATIENCE, () -> a.values().size() == 2);
        assertThat(a.view().read(BTC)).isPresent();

        world.view.withdraw(gone.bundleHash(), "test", world.clock.millis()); // nobody tells Redis or the replica
        assertThat(a.replica().catchUp("resync")).isTrue();

        assertThat(a.view().read(BTC)).as("tombstoned").isEmpty();
        assertThat(latest(a, BTC)).isEmpty();
        assertThat(a.withdrawals()).extracting(Withdrawal::marketId).containsExactlyInAnyOrder(BTC, NBA);
        assertThat(a.replica().catchUp("resync")).isTrue();
        assertThat(a.withdrawals()).as("revealed once").hasSize(2);
    }

    @Test
    void aReplicaStartedWhileRedisIsDownServesFromPostgresqlAndJoinsWhenRedisComesUp() throws Exception {
        redis.kill();
        PrometheusRegistry registry = new PrometheusRegistry();
        RedisView view = TestValues.view(redis.url(), registry);
        List<ServedValue> values = new CopyOnWriteArrayList<>();
        RedisReplica replica = view.replica(world.readModel, values::add, w -> { }, FAST);
        Replica r = new Replica(registry, view, replica, values, new CopyOnWriteArrayList<>());
        replicas.add(r);
        reveal();
        assertThat(latest(r, BTC)).contains(postgresLatest().getFirst());
        assertThat(counter(r, "m0_redis_fallback_total", "reason", "unsynced")).isGreaterThanOrEqualTo(1);
        TestValues.await("the value polled", PATIENCE, () -> values.size() == 2);
        assertThat(view.health().healthy()).isFalse();

        redis.restart();
        TestValues.await("in sync", PATIENCE, replica::inSync);
        assertThat(view.health().healthy()).isTrue();
        assertThat(view.read(BTC).map(RedisReplicaTest::describe)).contains(postgresLatest().getFirst());
        assertThat(values).as("each value once").hasSize(2);
    }
}
