package com.m0club.app.e2e;

import static com.m0club.app.e2e.DevNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.api.testing.HeadlessChromium;
import com.m0club.api.testing.TestHttp;
import com.m0club.app.node.OracleNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard of a running oracle in a real browser (Debian's Chromium, headless): every registered market gets a
 * row, the active ones show a live distribution, and the values move while the node publishes, over the stream.
 * Skipped when {@code M0_SKIP_BROWSER_TESTS=1}, like m0-api's browser test.
 */
@Tag("browser")
class DashboardTest {
    @TempDir
    Path dataDir;

    @Test
    void showsEveryMarketAndLiveValuesThatKeepUpdating() throws Exception {
        HeadlessChromium.requireInstalled();
        try (OracleNode node = DevNode.start(dataDir)) {
            TestHttp http = new TestHttp(DevNode.api(node));
            List<String> all = new ArrayList<>();
            List<String> active = new ArrayList<>();
            for (JsonNode m : http.json("/v1/markets").get("markets")) {
                all.add(m.get("id").asText());
                if (m.get("status").asText().equals("ACTIVE")) {
                    active.add(m.get("id").asText());
                }
            }
            assertThat(active).as("the dev registry's active markets").hasSizeGreaterThanOrEqualTo(3);
            // The first reveal, so the page has values to show from its first load or from the stream.
            DevNode.await("a market with a served value", PATIENCE, () -> http.json("/v1/markets").get("markets")
                    .findValues("latest").stream().anyMatch(l -> !l.isNull()));

            try (HeadlessChromium chrome = HeadlessChromium.launch(1400, 900);
                    HeadlessChromium.Page page = chrome.open(DevNode.api(node).resolve("/"))) {
                page.waitFor("document.querySelectorAll('tr[data-market-id]').length === " + all.size(), PATIENCE);
                assertThat(page.evaluate("Array.from(document.querySelectorAll('tr[data-market-id]'))"
                        + ".map(tr => tr.dataset.marketId).join(',')").asText())
                        .isEqualTo(String.join(",", all.stream().sorted().toList()));
                for (String id : active) {
                    assertThat(text(page, id, ".market-status")).isEqualTo("ACTIVE");
                }

                // Live: the page follows /v1/stream, and every active market gets a distribution on screen.
                page.waitFor("document.body.dataset.stream === 'live'", PATIENCE);
                for (String id : active) {
                    page.waitFor(row(id) + ".querySelectorAll('td.value .outcome').length >= 2", PATIENCE);
                }
                String fast = active.stream().filter(id -> id.startsWith("CRYPTO_")).findFirst()
                        .orElse(active.getFirst());
                assertThat(text(page, fast, "td.value")).contains("%").contains("CI");
                assertThat(text(page, fast, ".ledger-status")).isIn("REVEALED", "FINALIZED");

                // Updating: the row's sequence moves on while the node keeps publishing, and the shown value is
                // what the API serves for that sequence.
                long sequence = Long.parseLong(page.evaluate(row(fast) + ".dataset.sequence").asText());
                page.waitFor("Number(" + row(fast) + ".dataset.sequence) > " + sequence, PATIENCE);
                long newer = Long.parseLong(page.evaluate(row(fast) + ".dataset.sequence").asText());
                assertThat(newer).isGreaterThan(sequence);
                assertThat(node.ledger().lastSequence(node.signerSet().id())).isGreaterThanOrEqualTo(newer);
                page.waitFor("document.getElementById('count-valued').textContent === '" + active.size() + "'",
                        PATIENCE);

                Path shot = Path.of("target", "dashboard-e2e.png");
                Files.createDirectories(shot.getParent());
                Files.write(shot, page.screenshot(1400, 900));
                assertThat(Files.size(shot)).isGreaterThan(10_000);
            }
        }
    }

    private static String row(String marketId) {
        return "document.querySelector('tr[data-market-id=\"" + marketId + "\"]')";
    }

    private static String text(HeadlessChromium.Page page, String marketId, String selector) {
        return page.evaluate(row(marketId) + ".querySelector('" + selector + "').textContent.trim()").asText();
    }
}
