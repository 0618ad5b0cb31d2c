package com.m0club.store.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.store.StoreConflictException;
import com.m0club.store.StoreException;
import com.m0club.store.StoreNotFoundException;
import com.m0club.store.TestPostgres;
import com.m0club.store.postgres.Database;
import com.m0club.store.registry.SignerSetStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SequenceAllocatorTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_000L));

    private PrometheusRegistry registry;
    private Database db;
    private SignerSetStore sets;
    private SequenceAllocator allocator;

    @BeforeEach
    void setUp() {
        registry = new PrometheusRegistry();
        db = TestPostgres.freshMigratedDatabase(registry);
        sets = new SignerSetStore(db, CLOCK);
        allocator = new SequenceAllocator(db, CLOCK);
        register(1);
        register(2);
    }

    @AfterEach
    void tearDown() {
        TestPostgres.drop(db);
    }

    private void register(long id) {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        a[0] = 1;
        b[0] = 2;
        sets.insert(SignerSet.builder().id(id).threshold(2).key(SignerKey.of(a)).key(SignerKey.of(b)).build());
    }

    private static Hash32 hash(int b) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) b;
        return Hash32.of(bytes);
    }

    @Test
    void sequencesStartAtOneIncreasePerSetAndAreIdempotentPerRound() {
        assertThat(allocator.lastSequence(1)).isZero();
        assertThat(allocator.allocate(1, "round-a")).isEqualTo(1);
        assertThat(allocator.allocate(1, "round-b")).isEqualTo(2);
        assertThat(allocator.allocate(1, "round-a")).isEqualTo(1);
        assertThat(allocator.allocate(2, "round-a")).as("each set counts on its own").isEqualTo(1);
        assertThat(allocator.allocate(1, "round-c")).isEqualTo(3);
        assertThat(allocator.lastSequence(1)).isEqualTo(3);
        assertThat(allocator.find(1, "round-b")).contains(
                new SequenceAllocator.Allocation(1, 2, "round-b", java.util.Optional.empty()));
        assertThat(allocator.find(1, "round-z")).isEmpty();
    }

    @Test
    void allocationsSurviveARestart() {
        long a = allocator.allocate(1, "2026-01-04T12:00:05Z/FAST");
        allocator.bindHash(1, a, hash(9));
        try (Database again = TestPostgres.reopen(db, new PrometheusRegistry())) {
            SequenceAllocator restarted = new SequenceAllocator(again, CLOCK);
            assertThat(restarted.allocate(1, "2026-01-04T12:00:05Z/FAST")).isEqualTo(a);
            assertThat(restarted.get(1, a).orElseThrow().bundleHash()).contains(hash(9));
            assertThat(restarted.allocate(1, "2026-01-04T12:00:06Z/FAST")).isEqualTo(a + 1);
        }
    }

    @Test
    void aSequenceIsNeverBoundToASecondBundleHash() {
        long seq = allocator.allocate(1, "r1");
        allocator.bindHash(1, seq, hash(1));
        allocator.bindHash(1, seq, hash(1));
        assertThatThrownBy(() -> allocator.bindHash(1, seq, hash(2)))
                .isInstanceOf(StoreConflictException.class)
                .hasMessageContaining("sequence 1 of signer set 1 is bound to bundle " + hash(1).toHex())
                .hasMessageContaining("refusing to bind " + hash(2).toHex());
        assertThat(db.metrics().rejections("sequences.bind_hash")).isEqualTo(1);
        assertThat(allocator.get(1, seq).orElseThrow().bundleHash()).contains(hash(1));
        assertThatThrownBy(() -> allocator.bindHash(1, 99, hash(1)))
                .isInstanceOf(StoreNotFoundException.class).hasMessageContaining("never allocated");
    }

    @Test
    void theDatabaseItselfRefusesToRebindOrRewind() {
        long seq = allocator.allocate(1, "r1");
        allocator.bindHash(1, seq, hash(1));
        assertThatThrownBy(() -> db.jdbc().update("probe.rebind", "UPDATE bundle_sequences SET bundle_hash = ?"
                + " WHERE signer_set_id = 1", (Object) hash(2).toByteArray()))
                .isInstanceOf(StoreException.class).hasMessageContaining("already bound to another bundle hash");
        assertThatThrownBy(() -> db.jdbc().update("probe.rewind", "UPDATE signer_set_sequences SET last_sequence = 0"
                + " WHERE signer_set_id = 1"))
                .isInstanceOf(StoreException.class).hasMessageContaining("cannot go back");
    }

    @Test
    void unknownAndRetiredSetsGetNoNewSequences() {
        assertThatThrownBy(() -> allocator.allocate(42, "r1"))
                .isInstanceOf(StoreNotFoundException.class).hasMessageContaining("signer set 42 is not registered");
        long before = allocator.allocate(2, "r1");
        sets.setStatus(2, SignerSetStatus.RETIRED);
        assertThat(allocator.allocate(2, "r1")).as("a retry of an old round still gets its sequence").isEqualTo(before);
        assertThatThrownBy(() -> allocator.allocate(2, "r2"))
                .isInstanceOf(StoreConflictException.class).hasMessageContaining("RETIRED");
        assertThatThrownBy(() -> allocator.allocate(1, "")).hasMessageContaining("round_key");
        assertThatThrownBy(() -> allocator.allocate(1, "x".repeat(201))).hasMessageContaining("at most 200");
        assertThatThrownBy(() -> allocator.allocate(-1, "r")).hasMessageContaining("signer_set_id");
    }

    @Test
    void concurrentCallersGetGapFreeStrictlyIncreasingUniqueSequences() throws Exception {
        int threads = 8;
        int ownRounds = 25;
        int sharedRounds = 40;
        // Several pools, as if several bundler processes shared the database.
        List<Database> pools = new ArrayList<>();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < 3; i++) {
                pools.add(TestPostgres.reopen(db, new PrometheusRegistry()));
            }
            CyclicBarrier start = new CyclicBarrier(threads);
            Map<String, Set<Long>> seen = new ConcurrentHashMap<>();
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                SequenceAllocator mine = new SequenceAllocator(pools.get(t % pools.size()), CLOCK);
                results.add(executor.submit(() -> {
                    List<String> shared = new ArrayList<>();
                    for (int r = 0; r < sharedRounds; r++) {
                        shared.add("shared-" + r);
                    }
                    Collections.shuffle(shared, new Random(thread));
                    List<Long> ownSequences = new ArrayList<>();
                    start.await(30, TimeUnit.SECONDS);
                    for (int r = 0; r < Math.max(ownRounds, sharedRounds); r++) {
                        if (r < ownRounds) {
                            String key = "own-" + thread + "-" + r;
                            long s = mine.allocate(1, key);
                            ownSequences.add(s);
                            seen.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(s);
                        }
                        if (r < sharedRounds) {
                            String key = shared.get(r);
                            seen.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(mine.allocate(1, key));
                        }
                    }
                    return ownSequences;
                }));
            }
            for (Future<List<Long>> f : results) {
                List<Long> own = f.get(120, TimeUnit.SECONDS);
                assertThat(own).as("one caller's new rounds get strictly increasing sequences").isSorted()
                        .doesNotHaveDuplicates();
            }
            int total = threads * ownRounds + sharedRounds;
            assertThat(seen).hasSize(total);
            assertThat(seen.values()).as("every round got exactly one sequence, whoever asked")
                    .allSatisfy(s -> assertThat(s).hasSize(1));
            Set<Long> all = new HashSet<>();
            seen.values().forEach(all::addAll);
            assertThat(all).as("no duplicates, no gaps").containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(1, total).boxed().toList());
            assertThat(allocator.lastSequence(1)).isEqualTo(total);
        } finally {
            executor.shutdownNow();
            pools.forEach(Database::close);
        }
    }
}
