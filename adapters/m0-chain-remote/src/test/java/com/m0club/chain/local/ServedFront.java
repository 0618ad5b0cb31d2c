package com.m0club.chain.local;

import com.m0club.adapter.chain.remote.LedgerServer;
import com.m0club.adapter.chain.remote.RemoteLedger;
import com.m0club.chain.Ledger;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;

/**
 * The front of the wire: the local ledger served by a {@link LedgerServer} on an ephemeral loopback port and reached
 * through a {@link RemoteLedger}, so m0-chain's suites run against {@code RemoteLedger -> LedgerServer ->
 * LocalLedger}. Each reopen of the local ledger gets a new server and client.
 */
final class ServedFront implements Harness.Front {
    private LedgerServer server;
    private RemoteLedger client;

    @Override
    public Ledger open(LocalLedger local) {
        server = LedgerServer.builder(local).registry(new PrometheusRegistry()).port(0).build().start();
        client = RemoteLedger.builder(server.endpoint()).registry(new PrometheusRegistry())
                .eventWait(Duration.ofSeconds(2)).build();
        return client;
    }

    @Override
    public void settle(LocalLedger local) throws InterruptedException {
        long next = local.nextEventIndex();
        if (!client.awaitDelivered(next, Duration.ofSeconds(30))) {
            throw new AssertionError("the remote subscriptions did not deliver the events below " + next
                    + " within 30 s");
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
