package com.m0club.adapter.chain.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.chain.Ledger;
import com.m0club.chain.LedgerRejection;
import com.m0club.chain.local.LocalLedger;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.testing.ManualClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sees when the ledger server is not there, does not answer, or cannot serve: a
 * {@link RemoteLedgerException} (an {@link UncheckedIOException}, the transport failure the submitter retries) naming
 * the server and the endpoint, counted as {@code transport_error} or {@code http_error}, and never a
 * {@link LedgerRejection} (which would fail a bundle for good).
 */
class RemoteLedgerFailureTest {
    private static final MarketId MARKET = MarketId.of("SPORTS_NBA_LAL_BOS");
    private static final Hash32 HASH = Hash32.of(new byte[32]);

    @TempDir
    Path dir;

    /** Every port method, by endpoint. */
    private static Map<String, ThrowingCallable> everyCall(Ledger l) {
        SignerSet set = SignerSet.builder().id(1).threshold(1).key(SignerKey.of(new byte[32])).allowSingleSigner()
                .status(SignerSetStatus.ACTIVE).activationMs(0).build();
        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put(LedgerWire.COMMIT, () -> l.commit(HASH, 1, 1));
        calls.put(LedgerWire.REVEAL, () -> l.reveal(new byte[100], new byte[32]));
        calls.put(LedgerWire.FINALIZE_EPOCH, () -> l.finalizeEpoch(MARKET, 1));
        calls.put(LedgerWire.REGISTER_SIGNER_SET, () -> l.registerSignerSet(set));
        calls.put(LedgerWire.ACTIVATE_SIGNER_SET, () -> l.activateSignerSet(1));
        calls.put(LedgerWire.REGISTER_MARKET, () -> l.registerMarket(new com.m0club.protocol.registry.Market(MARKET,
                com.m0club.protocol.registry.Domain.SPORTS, "Lakers at Celtics", com.m0club.protocol.registry.Tier.NORMAL,
                List.of(com.m0club.protocol.id.OutcomeId.of("AWAY"), com.m0club.protocol.id.OutcomeId.of("HOME")),
                new com.m0club.protocol.time.EpochSchedule(3_600_000, 5_000),
                com.m0club.protocol.registry.LedgerTiming.DEFAULTS, MarketStatus.ACTIVE)));
        calls.put(LedgerWire.SET_MARKET_STATUS, () -> l.setMarketStatus(MARKET, MarketStatus.PAUSED));
        calls.put(LedgerWire.CLOCK, l::currentSlot);
        calls.put(LedgerWire.SIGNER_SET, () -> l.signerSet(1));
        calls.put(LedgerWire.LAST_SEQUENCE, () -> l.lastSequence(1));
        calls.put(LedgerWire.MARKET, () -> l.market(MARKET));
        calls.put(LedgerWire.COMMITMENT, () -> l.commitment(HASH));
        calls.put(LedgerWire.REVEALED_BUNDLE, () -> l.revealedBundle(HASH));
        calls.put(LedgerWire.EPOCH, () -> l.epoch(MARKET, 1));
        calls.put(LedgerWire.LATEST, () -> l.latest(MARKET));
        calls.put(LedgerWire.DUE_FOR_FINALIZATION, l::dueForFinalization);
        calls.put(LedgerWire.EVENTS, () -> l.events(0, 10));
        calls.put(LedgerWire.EVENT_INDEX, l::nextEventIndex);
        return calls;
    }

    @Test
    void everyCallToAServerThatIsGoneFailsAsATransportErrorNamingTheEndpointNeverAsARejection() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        URI gone;
        try (LocalLedger local = open(); LedgerServer server = LedgerServer.builder(local)
                .registry(new PrometheusRegistry()).build().start()) {
            gone = server.endpoint();
        }
        try (RemoteLedger client = RemoteLedger.builder(gone).registry(registry)
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            for (Map.Entry<String, ThrowingCallable> call : everyCall(client).entrySet()) {
                assertThatThrownBy(call.getValue()).as(call.getKey())
                        .isInstanceOf(RemoteLedgerException.class).isInstanceOf(UncheckedIOException.class)
                        .isNotInstanceOf(LedgerRejection.class)
                        .hasMessageContaining(gone.toString()).hasMessageContaining("(" + call.getKey() + ")")
                        .hasMessageContaining("unreachable")
                        .satisfies(e -> assertThat(((RemoteLedgerException) e).status()).isEmpty());
                assertThat(count(registry, "m0_ledger_client_requests", call.getKey(), "transport_error"))
                        .as(call.getKey()).isEqualTo(1);
            }
            // A subscription needs the server once, to learn where "now" is.
            assertThatThrownBy(() -> client.subscribe(e -> {})).isInstanceOf(RemoteLedgerException.class);
        }
    }

    @Test
    void aServerThatAcceptsButNeverAnswersIsATransportErrorAfterTheRequestTimeout() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // read nothing, answer nothing
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            try (RemoteLedger client = RemoteLedger.builder(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                    .registry(new PrometheusRegistry()).requestTimeout(Duration.ofMillis(300)).build()) {
                assertThatThrownBy(() -> client.commit(HASH, 1, 1)).isInstanceOf(RemoteLedgerException.class)
                        .hasMessageContaining("no answer within 300 ms");
            }
            acceptor.interrupt();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aLedgerThatCannotServeAnswers503AndTheClientSeesATransportErrorWithTheStatus() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        LocalLedger local = open();
        try (LedgerServer server = LedgerServer.builder(local).registry(new PrometheusRegistry()).build().start();
                RemoteLedger client = RemoteLedger.builder(server.endpoint()).registry(registry).build()) {
            local.close(); // the served ledger refuses writes from now on (as after a journal failure)
            assertThatThrownBy(() -> client.commit(HASH, 1, 1)).isInstanceOf(RemoteLedgerException.class)
                    .isNotInstanceOf(LedgerRejection.class)
                    .hasMessageContaining("HTTP 503 unavailable").hasMessageContaining("is closed")
                    .satisfies(e -> assertThat(((RemoteLedgerException) e).status()).hasValue(503));
            assertThat(count(registry, "m0_ledger_client_requests", LedgerWire.COMMIT, "http_error")).isEqualTo(1);
        }
    }

    @Test
    void aClosedClientRefusesCallsAndItsSubscriptionsStop() throws Exception {
        try (LocalLedger local = open(); LedgerServer server = LedgerServer.builder(local)
                .registry(new PrometheusRegistry()).build().start()) {
            RemoteLedger client = RemoteLedger.builder(server.endpoint()).registry(new PrometheusRegistry()).build();
            List<Object> heard = new ArrayList<>();
            Consumer<com.m0club.chain.LedgerEvent> listener = heard::add;
            client.subscribe(listener);
            client.close();
            client.close();
            assertThatThrownBy(client::nextEventIndex).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is closed");
            assertThat(client.awaitDelivered(Long.MAX_VALUE, Duration.ofMillis(1))).isTrue(); // none left open
        }
    }

    @Test
    void aLedgerUrlMustBeHttpWithAHostAndNoCredentialsInIt() {
        assertThatThrownBy(() -> RemoteLedger.builder(URI.create("ftp://x:1"))).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("ledger_url");
        assertThatThrownBy(() -> RemoteLedger.builder(URI.create("http://user:secret@x:1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RemoteLedger.builder(URI.create("http://x:1")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("registry");
    }

    private LocalLedger open() throws java.io.IOException {
        return LocalLedger.builder(dir.resolve("ledger")).clock(new ManualClock(1_767_225_600_000L))
                .registry(new PrometheusRegistry()).open();
    }

    static double count(PrometheusRegistry registry, String name, String endpoint, String outcome) {
        for (var s : registry.scrape()) {
            if (s instanceof CounterSnapshot c && c.getMetadata().getName().equals(name)) {
                for (var p : c.getDataPoints()) {
                    if (endpoint.equals(p.getLabels().get("endpoint")) && outcome.equals(p.getLabels().get("outcome"))) {
                        return p.getValue();
                    }
                }
            }
        }
        return 0;
    }
}
