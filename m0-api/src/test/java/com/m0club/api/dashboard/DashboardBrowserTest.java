package com.m0club.api.dashboard;

import static com.m0club.api.testing.OracleFixture.BTC;
import static com.m0club.api.testing.OracleFixture.CPI;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.api.rest.ApiServer;
import com.m0club.api.testing.HeadlessChromium;
import com.m0club.api.testing.OracleFixture;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.id.MarketId;
import com.m0club.view.PublishStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: Debian's Chromium, headless, against a real ApiServer over loopback. The page
 * must show every market, then show a value pushed through the feed after it loaded (over /v1/stream), and fall
 * back to polling when the stream goes away.
 */
@Tag("browser")
class DashboardBrowserTest {
    private static final Duration PATIENCE = Duration.ofSeconds(45);

    @Test
    void showsEveryMarketAndFollowsTheStream() throws Exception {
        HeadlessChromium.requireInstalled();
        OracleFixture fixture = OracleFixture.seeded();
        try (ApiServer server = start(fixture);
                HeadlessChromium chrome = HeadlessChromium.launch(1400, 900);
                HeadlessChromium.Page page = chrome.open(server.baseUri().resolve("/"))) {

            page.waitFor("document.querySelectorAll('tr[data-market-id]').length === 5", PATIENCE);
            assertThat(page.evaluate("Array.from(document.querySelectorAll('tr[data-market-id]'))"
                    + ".map(tr => tr.dataset.marketId).join(',')").asText())
                    .isEqualTo("CRYPTO_BTC_UP_1H,MACRO_US_CPI_ABOVE_3,POLITICS_US_SENATE_2026,"
                            + "SPORTS_EPL_ARS_CHE_2026_01_04,SPORTS_NBA_LAL_BOS_2026_01_04");
            assertThat(text(page, BTC.value(), "td.value")).contains("UP").contains("58.0%").contains("CI 54.0%");
            assertThat(text(page, BTC.value(), ".ledger-status")).isEqualTo("REVEALED");
            assertThat(text(page, "POLITICS_US_SENATE_2026", ".ledger-status")).isEqualTo("FINALIZED");
            assertThat(text(page, CPI.value(), "td.value")).isEqualTo("no value yet");
            assertThat(text(page, "SPORTS_EPL_ARS_CHE_2026_01_04", "td.publish")).contains("FAILED")
                    .contains("paused by operator");
            assertThat(text(page, BTC.value(), "td.flags-cell")).contains("DRIFT").contains("CI_WIDE");

            // A value published after the page loaded arrives over the WebSocket.
            page.waitFor("document.body.dataset.stream === 'live'", PATIENCE);
            awaitClients(server, 1);
            Map<MarketId, Distribution> next = new LinkedHashMap<>();
            next.put(BTC, OracleFixture.binary(0.731));
            next.put(CPI, Distribution.fromDoubles(List.of(Distribution.DoubleOutcome.of("NO", 0.35, 0.3, 0.4),
                    Distribution.DoubleOutcome.of("YES", 0.65, 0.6, 0.7))));
            OracleFixture.Round round = fixture.round(next);
            fixture.reveal(round);
            page.waitFor("document.querySelector('tr[data-market-id=\"CRYPTO_BTC_UP_1H\"]').dataset.sequence === '"
                    + round.bundle().header().sequence() + "'", PATIENCE);
            assertThat(text(page, BTC.value(), "td.value")).contains("73.1%");
            page.waitFor("document.querySelector('tr[data-market-id=\"MACRO_US_CPI_ABOVE_3\"] td.value')"
                    + ".textContent.includes('65.0%')", PATIENCE);

            // Finalization of the same bundle flips the ledger status in place.
            fixture.finalizeRound(round);
            page.waitFor("document.querySelector('tr[data-market-id=\"CRYPTO_BTC_UP_1H\"]')"
                    + ".dataset.ledgerStatus === 'FINALIZED'", PATIENCE);
            assertThat(text(page, BTC.value(), ".ledger-status")).isEqualTo("FINALIZED");

            // Let the update highlight fade so the picture shows the resting page.
            page.evaluate("new Promise(resolve => setTimeout(() => resolve(true), 1500))");
            Path shot = Path.of("target", "dashboard.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, page.screenshot(1400, 900));
            assertThat(Files.size(shot)).isGreaterThan(10_000);
        }
    }

    @Test
    void fallsBackToPollingWhenTheStreamCloses() {
        HeadlessChromium.requireInstalled();
        OracleFixture fixture = OracleFixture.seeded();
        try (ApiServer server = start(fixture);
                HeadlessChromium chrome = HeadlessChromium.launch(1400, 900);
                HeadlessChromium.Page page = chrome.open(server.baseUri().resolve("/"))) {
            page.waitFor("document.body.dataset.stream === 'live'", PATIENCE);
            page.evaluate("window.WebSocket = function () { throw new Error('stream disabled by the test'); }; true");
            // Closing every stream client makes the page fall back to polling /v1/markets.
            server.realtime().disconnectAll();
            page.waitFor("document.body.dataset.stream === 'polling'", PATIENCE);
            // A value served without any stream message shows up through polling.
            OracleFixture.Round round = fixture.round(Map.of(BTC, OracleFixture.binary(0.222)));
            round.values().forEach(v -> fixture.oracle().serve(v, PublishStatus.REVEALED));
            page.waitFor("document.querySelector('tr[data-market-id=\"CRYPTO_BTC_UP_1H\"] td.value')"
                    + ".textContent.includes('22.2%')", PATIENCE);
        }
    }

    private static ApiServer start(OracleFixture fixture) {
        return ApiServer.builder().host("127.0.0.1").port(0).readModel(fixture.oracle()).feed(fixture.oracle())
                .registry(new PrometheusRegistry()).clock(Clock.systemUTC()).build().start();
    }

    private static String text(HeadlessChromium.Page page, String marketId, String selector) {
        return page.evaluate("document.querySelector('tr[data-market-id=\"" + marketId + "\"] " + selector
                + "').textContent.trim()").asText();
    }

    private static void awaitClients(ApiServer server, int count) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (server.realtime().clientCount() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(server.realtime().clientCount()).isGreaterThanOrEqualTo(count);
    }
}
