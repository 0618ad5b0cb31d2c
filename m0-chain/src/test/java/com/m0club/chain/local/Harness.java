package com.m0club.chain.local;

import com.m0club.protocol.testing.ManualClock;
import com.m0club.chain.CommitReceipt;
import com.m0club.chain.Ledger;
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

/**
 * A ledger in a temp dir with set 1 (2-of-3) active and the NBA and BTC markets registered, at T0. The tests reach it
 * through {@link #ledger}: the local ledger itself ({@link Front#DIRECT}), or a front over it (another implementation
 * of the port that ends at the same local ledger, such as the remote adapter over HTTP), so one suite proves the rules
 * for both. {@link #local} is always the local ledger (its journal, its metrics in {@link #registry}).
 */
final class Harness implements AutoCloseable {
    /** How a suite reaches the local ledger. */
    interface Front {
        /** The local ledger itself. */
        Front DIRECT = new Front() {
            @Override
            public Ledger open(LocalLedger local) {
                return local;
            }

            @Override
            public void settle(LocalLedger local) {}

            @Override
            public void close() {}
        };

        /** The ledger under test over {@code local}; called again with the new local ledger after each reopen. */
        Ledger open(LocalLedger local) throws IOException;

        /** Returns once every listener subscribed through the front has heard of every event {@code local} has. */
        void settle(LocalLedger local) throws InterruptedException;

        /** Releases what {@link #open} made (never {@code local}); called after the ledger under test is closed. */
        void close();
    }

    @FunctionalInterface
    interface Opener {
        LocalLedger open() throws IOException;
    }

    final Path dir;
    final ManualClock clock = new ManualClock(Fixture.T0);
    final Front front;
    PrometheusRegistry registry = new PrometheusRegistry();
    /** The local ledger behind {@link #ledger}. */
    LocalLedger local;
    /** The ledger under test: {@link #local}, or the front over it. */
    Ledger ledger;
    private int salts;

    Harness(Path dir) throws IOException {
        this(dir, Front.DIRECT);
    }

    Harness(Path dir, Front front) throws IOException {
        this.dir = dir;
        this.front = front;
        use(() -> Fixture.open(dir, clock, registry));
        ledger.registerSignerSet(Fixture.set1(SignerSetStatus.ACTIVE));
        ledger.registerMarket(Fixture.nba());
        ledger.registerMarket(Fixture.btc());
    }

    /** True when the tests talk to the local ledger itself (no front). */
    boolean direct() {
        return front == Front.DIRECT;
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

    /** Returns once every listener subscribed through {@link #ledger} has heard of every event so far. */
    void settle() throws InterruptedException {
        front.settle(local);
    }

    /** Closes the ledger (and its front) and reopens the directory with a fresh registry. */
    void reopen() throws IOException {
        close();
        registry = new PrometheusRegistry();
        use(() -> Fixture.open(dir, clock, registry));
    }

    /** Closes the ledger (and its front), then tests {@code opener}'s ledger through the same kind of front. */
    void replace(Opener opener) throws IOException {
        close();
        use(opener);
    }

    private void use(Opener opener) throws IOException {
        local = opener.open();
        ledger = front.open(local);
    }

    @Override
    public void close() {
        if (ledger != null && ledger != local) {
            ledger.close();
        }
        front.close();
        if (local != null) {
            local.close();
        }
    }
}
