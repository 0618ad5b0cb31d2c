package com.m0club.chain.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.chain.remote.LedgerServer;
import com.m0club.adapter.chain.remote.LedgerServerMetrics;
import com.m0club.adapter.chain.remote.RemoteLedger;
import com.m0club.adapter.chain.remote.RemoteLedgerException;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.LedgerRejection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server goes away and comes back (the {@code m0 ledger serve} process restarts, its local ledger reopened from
 * the journal) while a client keeps its subscription: the subscription reconnects with backoff and resumes at its
 * next index, so every event is delivered exactly once and in order, including those appended while it was away; the
 * client's calls during the outage fail as transport errors.
 */
class RemoteRestartTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aSubscriptionResumesAfterAServerRestartWithEveryEventOnceAndInOrder() throws Exception {
        LedgerServerMetrics serverMetrics = new LedgerServerMetrics(new PrometheusRegistry());
        PrometheusRegistry clientRegistry = new PrometheusRegistry();
        try (Harness h = new Harness(dir)) {
            LedgerServer server = LedgerServer.builder(h.local).metrics(serverMetrics).port(0).build().start();
            int port = server.port();
            try (RemoteLedger client = RemoteLedger.builder(server.endpoint()).registry(clientRegistry)
                    .eventWait(Duration.ofSeconds(1)).reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                    .build()) {
                long start = client.nextEventIndex();
                List<LedgerEvent> heard = new CopyOnWriteArrayList<>();
                client.subscribe(heard::add);

                h.clock.advance(1_000);
                Harness.Prepared p1 = h.prepare(1);
                client.commit(p1.commitHash(), 1, 1);
                h.clock.advance(400);
                client.reveal(p1.signed(), p1.salt());
                assertThat(client.awaitDelivered(h.local.nextEventIndex(), PATIENCE)).isTrue();

                // The server process goes away; the ledger's owner restarts and moves on without it.
                server.close();
                assertThatThrownBy(() -> client.lastSequence(1)).isInstanceOf(RemoteLedgerException.class)
                        .isNotInstanceOf(LedgerRejection.class);
                await("the subscription notices the outage", () -> Fixture.counter(clientRegistry,
                        "m0_ledger_client_subscription_errors") >= 1);
                h.reopen();
                h.clock.advance(1_000);
                h.publish(h.prepare(2));

                server = startOn(h.local, serverMetrics, port);
                try {
                    h.clock.advance(1_000);
                    Harness.Prepared p3 = h.prepare(3);
                    client.commit(p3.commitHash(), 1, 3);
                    h.clock.advance(400);
                    client.reveal(p3.signed(), p3.salt());
                    long next = h.local.nextEventIndex();
                    assertThat(client.awaitDelivered(next, PATIENCE)).isTrue();

                    assertThat(heard).extracting(LedgerEvent::index)
                            .containsExactlyElementsOf(java.util.stream.LongStream.range(start, next).boxed()
                                    .toList());
                    assertThat(heard).isEqualTo(h.local.events(start, 1_000));
                    assertThat(next - start).isEqualTo(12); // three bundles of two markets: 3 x (commit, reveal, 2 items)
                    assertThat(Fixture.counter(clientRegistry, "m0_ledger_client_events_skipped")).isZero();
                } finally {
                    server.close();
                }
            }
        }
    }

    /** The server on the port it had before (ports are released at once on Linux; retried briefly if not). */
    private static LedgerServer startOn(LocalLedger local, LedgerServerMetrics metrics, int port)
            throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                return LedgerServer.builder(local).metrics(metrics).port(port).build().start();
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
