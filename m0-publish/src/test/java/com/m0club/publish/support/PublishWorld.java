package com.m0club.publish.support;

import com.m0club.protocol.testing.ManualClock;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.local.LocalLedger;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.publish.read.PostgresReadModel;
import com.m0club.publish.read.PublishedHub;
import com.m0club.publish.reconcile.LedgerViewStore;
import com.m0club.publish.reconcile.Reconciler;
import com.m0club.publish.store.PublishStore;
import com.m0club.publish.submit.Submitter;
import com.m0club.publish.submit.SubmitterSettings;
import com.m0club.store.postgres.Database;
import com.m0club.store.postgres.Jdbc;
import com.m0club.store.TestPostgres;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The publishing plane wired as the node wires it, on real parts: a fresh PostgreSQL schema, a {@link LocalLedger}
 * in a temp dir behind a {@link FaultyLedger}, and one manual clock for both. Set 1 (2-of-3) and two markets are
 * registered on the ledger. Sleepers handed to submitters record each wait and move the clock by it, so nothing
 * sleeps for real.
 */
public final class PublishWorld implements AutoCloseable {
    /** Few attempts and short waits, so exhaustion tests stay small. */
    public static final SubmitterSettings SETTINGS = new SubmitterSettings(4, Duration.ofMillis(200),
            Duration.ofMillis(500), Duration.ofMillis(100), Duration.ofSeconds(30));

    public final ManualClock clock = new ManualClock(Fixture.T0);
    /** Database, ledger and the first submitter/reconciler register here; "restarted" ones get their own. */
    public final PrometheusRegistry registry = new PrometheusRegistry();
    public final Database db;
    public final Jdbc jdbc;
    public final PublishStore store;
    public final LedgerViewStore view;
    public final PostgresReadModel readModel;
    public final PublishedHub hub;
    public final LocalLedger ledger;
    public final FaultyLedger faulty;
    public final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private volatile Runnable onSleep = () -> { };

    public PublishWorld(Path ledgerDir) throws IOException {
        this.db = TestPostgres.freshMigratedDatabase(registry);
        this.jdbc = db.jdbc();
        this.store = new PublishStore(jdbc);
        this.view = new LedgerViewStore(jdbc);
        this.readModel = new PostgresReadModel(jdbc, store, Fixture::markets,
                id -> id == Fixture.SET_ID ? Optional.of(Fixture.SET) : Optional.empty());
        this.hub = new PublishedHub(registry);
        this.ledger = LocalLedger.builder(ledgerDir).clock(clock).registry(registry).open();
        this.faulty = new FaultyLedger(ledger);
        ledger.registerSignerSet(Fixture.SET);
        for (Market m : Fixture.markets()) {
            ledger.registerMarket(m);
        }
    }

    /** Runs {@code action} after every recorded sleep (for example: the reconciler catching up meanwhile). */
    public void onSleep(Runnable action) {
        this.onSleep = action;
    }

    /** Records the wait, moves the clock by it, then runs the {@link #onSleep} action. */
    public Submitter.Sleeper sleeper() {
        return d -> {
            sleeps.add(d);
            clock.advance(d.toMillis());
            onSleep.run();
        };
    }

    /** A submitter on the faulty ledger whose salts are all {@code saltSeed}. */
    public Submitter submitter(PrometheusRegistry metrics, int saltSeed) {
        return submitter(metrics, saltSeed, SETTINGS);
    }

    public Submitter submitter(PrometheusRegistry metrics, int saltSeed, SubmitterSettings settings) {
        return new Submitter(faulty, faulty, store, clock, Fixture.fixedRandom(saltSeed), settings, sleeper(), metrics);
    }

    public Reconciler reconciler(PrometheusRegistry metrics) {
        return new Reconciler(ledger, ledger, store, view, readModel, hub, clock, metrics);
    }

    /** A bundle as the engine and signers leave it: built and signed (stored SIGNED). */
    public record Built(EncodedBundle bundle, SignedBundle signed) {
        public Hash32 hash() {
            return bundle.bundleHash();
        }
    }

    /** Builds a bundle of both markets at the current time, stores it BUILT, then SIGNED by {@code keys}. */
    public Built signed(long sequence, SigningKey... keys) {
        EncodedBundle bundle = Fixture.bundle(sequence, clock.millis());
        SignedBundle signed = Fixture.sign(bundle, keys);
        store.insertBuilt(bundle, clock.millis());
        store.markSigned(bundle.bundleHash(), signed.encode(), clock.millis());
        return new Built(bundle, signed);
    }

    /** Signed by K1 and K2: meets the 2-of-3 threshold. */
    public Built signed(long sequence) {
        return signed(sequence, Fixture.K1, Fixture.K2);
    }

    /** Moves the clock to the start of the next ledger slot. */
    public void nextSlot() {
        long t = clock.millis();
        clock.set(t - Math.floorMod(t - Fixture.T0, Fixture.SLOT_MS) + Fixture.SLOT_MS);
    }

    /** Every ledger event so far. */
    public List<LedgerEvent> events() {
        return ledger.events(0, Integer.MAX_VALUE);
    }

    /** Committed events on the ledger for (set 1, {@code sequence}). */
    public long commitsFor(long sequence) {
        return events().stream().filter(e -> e instanceof LedgerEvent.Committed c && c.signerSetId() == Fixture.SET_ID
                && c.sequence() == sequence).count();
    }

    /** Committed events on the ledger for {@code commitHash}. */
    public long commitsOf(Hash32 commitHash) {
        return events().stream().filter(e -> e instanceof LedgerEvent.Committed c && c.commitHash().equals(commitHash))
                .count();
    }

    public long revealsOf(Hash32 bundleHash) {
        return events().stream().filter(e -> e instanceof LedgerEvent.Revealed r && r.bundleHash().equals(bundleHash))
                .count();
    }

    @Override
    public void close() {
        try {
            ledger.close();
        } finally {
            TestPostgres.drop(db);
        }
    }
}
