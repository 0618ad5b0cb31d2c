package com.m0club.chain.local;

import com.m0club.protocol.testing.ManualClock;
import com.m0club.chain.CommitReceipt;
import com.m0club.chain.RevealReceipt;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SigningKey;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A ledger in a temp dir with set 1 (2-of-3) active and the NBA and BTC markets registered, at T0. */
final class Harness implements AutoCloseable {
    final Path dir;
    final ManualClock clock = new ManualClock(Fixture.T0);
    PrometheusRegistry registry = new PrometheusRegistry();
    LocalLedger ledger;
    private int salts;

    Harness(Path dir) throws IOException {
        this.dir = dir;
        this.ledger = Fixture.open(dir, clock, registry);
        ledger.registerSignerSet(Fixture.set1(SignerSetStatus.ACTIVE));
        ledger.registerMarket(Fixture.nba());
        ledger.registerMarket(Fixture.btc());
    }

    /** A bundle ready to commit and reveal: its bytes, salt and commit hash. */
    record Prepared(EncodedBundle bundle, byte[] signed, byte[] salt, Hash32 commitHash) {}

    Prepared prepare(long setId, long sequence, long producedAtMs, List<BundleItem> items, SigningKey... signers) {
        EncodedBundle b = Fixture.bundle(setId, sequence, producedAtMs, items);
        byte[] salt = Fixture.salt(++salts);
        return new Prepared(b, Fixture.sign(b, signers), salt, Fixture.commitHash(b, salt));
    }

    /** Both markets at the current time, set 1, signed by K1 and K2. */
    Prepared prepare(long sequence) {
        long now = clock.millis();
        return prepare(1, sequence, now, List.of(Fixture.item(Fixture.nba(), now), Fixture.item(Fixture.btc(), now)),
                Fixture.K1, Fixture.K2);
    }

    CommitReceipt commit(Prepared p) {
        return ledger.commit(p.commitHash(), p.bundle().header().signerSetId(), p.bundle().header().sequence());
    }

    RevealReceipt reveal(Prepared p) {
        return ledger.reveal(p.signed(), p.salt());
    }

    /** Commit, wait one slot, reveal. */
    RevealReceipt publish(Prepared p) {
        commit(p);
        clock.advance(SlotClock.SLOT_MS);
        return reveal(p);
    }

    void reopen() throws IOException {
        ledger.close();
        registry = new PrometheusRegistry();
        ledger = Fixture.open(dir, clock, registry);
    }

    @Override
    public void close() {
        ledger.close();
    }
}
