package com.m0club.chain.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.time.EpochSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short loop of commit + reveal with 20-market bundles. It prints what it achieved for the curious and asserts only
 * correctness: no test depends on the machine's speed.
 */
class ThroughputTest {
    @TempDir
    Path dir;

    @Test
    void publishesAFewHundredBundles() throws Exception {
        try (Harness h = new Harness(dir)) {
            List<Market> markets = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Market m = Fixture.market(MarketId.of("MACRO_M" + i), List.of("NO", "YES"),
                        new EpochSchedule(3_600_000, 1_000), LedgerTiming.DEFAULTS);
                h.ledger.registerMarket(m);
                markets.add(m);
            }
            int bundles = 200;
            List<Harness.Prepared> prepared = new ArrayList<>();
            for (int seq = 1; seq <= bundles; seq++) {
                long t = h.clock.millis() + seq * 1_000L;
                List<BundleItem> items = markets.stream().map(m -> Fixture.item(m, t)).toList();
                prepared.add(h.prepare(1, seq, h.clock.millis(), items, Fixture.K1, Fixture.K2));
            }
            long start = System.nanoTime();
            for (Harness.Prepared p : prepared) {
                h.commit(p);
            }
            long committed = System.nanoTime();
            h.clock.advance(SlotClock.SLOT_MS);
            for (Harness.Prepared p : prepared) {
                h.reveal(p);
            }
            long revealed = System.nanoTime();
            assertThat(h.ledger.lastSequence(1)).isEqualTo(bundles);
            System.out.printf("local ledger: %d commits in %.0f ms (%.0f/s), %d reveals of 20 items in %.0f ms"
                    + " (%.0f/s), each fsynced%n", bundles, (committed - start) / 1e6,
                    bundles / ((committed - start) / 1e9), bundles, (revealed - committed) / 1e6,
                    bundles / ((revealed - committed) / 1e9));
            long opened = System.nanoTime();
            h.reopen();
            System.out.printf("local ledger: replayed %d events in %.0f ms%n", h.ledger.nextEventIndex(),
                    (System.nanoTime() - opened) / 1e6);
            assertThat(h.ledger.lastSequence(1)).isEqualTo(bundles);
        }
    }
}
