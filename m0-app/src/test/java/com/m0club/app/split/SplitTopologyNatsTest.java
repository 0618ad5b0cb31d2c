package com.m0club.app.split;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.api.verify.OfflineVerifier;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The split topology on NATS JetStream instead of Kafka (a shorter run than {@link SplitTopologyTest}): ingestor,
 * aggregator, quant, bundler with its agents, submitter with the reconciler, and an API replica, each its own OS
 * process over one nats-server, PostgreSQL and Redis; a value is served, its epoch finalizes, and both verify.
 */
@Tag("multiprocess")
class SplitTopologyNatsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    @Test
    void valuesFlowThroughNatsAcrossProcessesAndTheirEpochsFinalizeVerified() throws Exception {
        String markets = Path.of("..", "config", "markets.toml").toAbsolutePath().normalize().toString();
        Map<String, String> settings = Map.of("M0_ENV", "dev", "M0_MARKETS_FILE", markets,
                "M0_DEV_EPOCH_WINDOW_MS", "15000", "M0_DEV_FINALIZATION_DELAY_MS", "5000",
                "M0_EVENTLOG_PARTITIONS", "4");
        try (SplitTopology t = SplitTopology.start(dir, settings, SplitTopology.Log.NATS)) {
            t.role("bundler", "bundler,signer-agent", Map.of(), PATIENCE);
            t.role("submitter", "submitter,reconciler", Map.of(), PATIENCE);
            t.role("ingestor", "ingestor", Map.of(), PATIENCE);
            t.role("aggregator", "aggregator", Map.of(), PATIENCE);
            t.role("quant", "quant", Map.of(), PATIENCE);
            RoleProcess api = t.role("api", "api-gateway,realtime", Map.of(), PATIENCE);

            String market = "CRYPTO_BTC_RANGE_24H";
            JsonNode latest = SplitTopologyTest.awaitValue("a value of " + market + " served", () -> {
                JsonNode v = SplitTopologyTest.json(api, "/v1/markets/" + market + "/latest");
                return v.has("epoch_id") ? Optional.of(v) : Optional.empty();
            });
            JsonNode signerSet = SplitTopologyTest.json(api, "/v1/signer-sets/"
                    + latest.at("/proof/signer_set_id").asLong());
            OfflineVerifier verifier = new OfflineVerifier(HttpClient.newHttpClient(), Duration.ofSeconds(10));
            assertThat(verifier.verify(latest, signerSet).verified()).isTrue();
            String epochPath = "/v1/markets/" + market + "/epochs/" + latest.get("epoch_id").asLong();
            JsonNode finalized = SplitTopologyTest.awaitValue(epochPath + " FINALIZED", () -> {
                JsonNode v = SplitTopologyTest.json(api, epochPath);
                return v.at("/ledger/status").asText().equals("FINALIZED") ? Optional.of(v) : Optional.empty();
            });
            assertThat(verifier.verify(finalized, signerSet).verified()).isTrue();
        }
    }
}
