package com.m0club.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.store.StoreConflictException;
import com.m0club.store.StoreNotFoundException;
import com.m0club.store.TestPostgres;
import com.m0club.store.postgres.Database;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SignerSetStoreTest {
    private Database db;
    private SignerSetStore store;

    @BeforeEach
    void setUp() {
        db = TestPostgres.freshMigratedDatabase(new PrometheusRegistry());
        store = new SignerSetStore(db, InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_000L)));
    }

    @AfterEach
    void tearDown() {
        TestPostgres.drop(db);
    }

    static SignerKey key(int b) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) b;
        bytes[31] = 7;
        return SignerKey.of(bytes);
    }

    static SignerSet set(long id, int threshold, long activationMs, int... keys) {
        SignerSet.Builder b = SignerSet.builder().id(id).threshold(threshold).activationMs(activationMs);
        for (int k : keys) {
            b.key(key(k));
        }
        return b.build();
    }

    @Test
    void insertIsIdempotentForTheSameContentAndRoundTripsKeysInCanonicalOrder() {
        SignerSet s = set(7, 2, 1_000, 0xF0, 0x01, 0x80);
        assertThat(store.insert(s)).isTrue();
        assertThat(store.insert(s)).isFalse();
        SignerSet stored = store.get(7).orElseThrow();
        assertThat(stored).isEqualTo(s);
        assertThat(stored.keys()).containsExactly(key(0x01), key(0x80), key(0xF0));
        assertThat(store.get(8)).isEmpty();
    }

    @Test
    void theSameIdWithOtherContentIsRefused() {
        store.insert(set(7, 2, 1_000, 1, 2, 3));
        assertThatThrownBy(() -> store.insert(set(7, 3, 1_000, 1, 2, 3)))
                .isInstanceOf(StoreConflictException.class)
                .hasMessageContaining("signer set 7 is already stored with other content (threshold 2 vs 3)")
                .hasMessageContaining("rotate to a new id");
        assertThatThrownBy(() -> store.insert(set(7, 2, 1_000, 1, 2, 4))).hasMessageContaining("keys");
        assertThatThrownBy(() -> store.insert(set(7, 2, 2_000, 1, 2, 3))).hasMessageContaining("activation_ms");
        assertThat(db.metrics().rejections("signer_sets.insert")).isEqualTo(3);
        assertThat(store.get(7).orElseThrow().threshold()).isEqualTo(2);
    }

    @Test
    void listIsByIdAndStatusMovesForwardOnly() {
        store.insert(set(9, 2, 0, 4, 5));
        store.insert(set(3, 2, 0, 1, 2, 3));
        assertThat(store.list()).extracting(SignerSet::id).containsExactly(3L, 9L);
        assertThat(store.list().get(0).keys()).hasSize(3);

        assertThat(store.setStatus(3, SignerSetStatus.ACTIVE).status()).isEqualTo(SignerSetStatus.ACTIVE);
        assertThat(store.setStatus(3, SignerSetStatus.ACTIVE).status()).isEqualTo(SignerSetStatus.ACTIVE);
        store.setStatus(3, SignerSetStatus.RETIRED);
        assertThatThrownBy(() -> store.setStatus(3, SignerSetStatus.ACTIVE))
                .isInstanceOf(StoreConflictException.class)
                .hasMessageContaining("cannot move from RETIRED back to ACTIVE");
        assertThatThrownBy(() -> store.setStatus(4, SignerSetStatus.ACTIVE))
                .isInstanceOf(StoreNotFoundException.class);
        // Status is not content: re-inserting the original PENDING definition is still a no-op.
        assertThat(store.insert(set(3, 2, 0, 1, 2, 3))).isFalse();
        assertThat(store.get(3).orElseThrow().status()).isEqualTo(SignerSetStatus.RETIRED);
    }

    @Test
    void aDevSingleSignerSetRoundTrips() {
        SignerSet dev = SignerSet.builder().id(1).threshold(1).allowSingleSigner().key(key(9)).build();
        store.insert(dev);
        assertThat(store.get(1)).contains(dev);
        assertThat(store.list()).containsExactly(dev);
        assertThat(List.of(dev.size())).containsExactly(1);
    }
}
