package com.m0club.chain.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.chain.EventsExpiredException;
import com.m0club.chain.LedgerEvent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 item 10 (ledger part): the in-memory event list is bounded ({@code ledger_max_events_in_memory}); readers
 * by cursor get every event after a cursor inside the window and a clear error for an older one; a restart keeps
 * the same bound, indices and rule decisions.
 */
class EventRetentionTest {
    @TempDir
    Path dir;

    /** The harness every test uses: the local ledger itself here; a front over it where another suite extends this. */
    Harness harness() throws java.io.IOException {
        return new Harness(dir);
    }

    private static LocalLedger bounded(Harness h, int max) throws java.io.IOException {
        return LocalLedger.builder(h.dir).clock(h.clock).registry(new PrometheusRegistry()).maxEventsInMemory(max)
                .open();
    }

    @Test
    void eventsInMemoryAreBoundedAndOldCursorsGetAClearError() throws Exception {
        try (Harness h = harness()) {
            h.replace(() -> bounded(h, 16));
            for (int seq = 1; seq <= 30; seq++) {
                h.clock.advance(1_000);
                h.publish(h.prepare(seq));
                assertThat(h.local.eventsInMemory()).isLessThanOrEqualTo(16 + 2);
            }
            long next = h.ledger.nextEventIndex();
            assertThat(next).isEqualTo(30 * 4);
            long first = h.local.firstEventIndex();
            assertThat(first).isGreaterThan(0);
            List<LedgerEvent> window = h.ledger.events(first, Integer.MAX_VALUE);
            assertThat(window).hasSize((int) (next - first));
            for (int i = 0; i < window.size(); i++) {
                assertThat(window.get(i).index()).isEqualTo(first + i);
            }
            assertThatThrownBy(() -> h.ledger.events(0, 10)).isInstanceOfSatisfying(EventsExpiredException.class,
                    e -> assertThat(e.oldestKept()).isEqualTo(first))
                    .hasMessageContaining("M0_LEDGER_MAX_EVENTS_IN_MEMORY").hasMessageContaining("oldest kept is");

            // restart: same indices, same window, same rule decisions (the next sequence is still 31)
            h.replace(() -> bounded(h, 16));
            assertThat(h.ledger.nextEventIndex()).isEqualTo(next);
            assertThat(h.local.eventsInMemory()).isLessThanOrEqualTo(16 + 2);
            long firstAfter = h.local.firstEventIndex();
            assertThat(h.ledger.events(Math.max(first, firstAfter), Integer.MAX_VALUE))
                    .isEqualTo(window.subList((int) (Math.max(first, firstAfter) - first), window.size()));
            assertThat(h.ledger.lastSequence(1)).isEqualTo(30);
            List<LedgerEvent> heard = new CopyOnWriteArrayList<>();
            try (var sub = (AutoCloseable) h.ledger.subscribe(heard::add)::close) {
                h.clock.advance(1_000);
                h.publish(h.prepare(31));
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (heard.size() < 4 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            }
            assertThat(heard).extracting(LedgerEvent::index).containsExactly(next, next + 1, next + 2, next + 3);
        }
    }
}
