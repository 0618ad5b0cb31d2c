package com.m0club.view;

import com.m0club.protocol.registry.Market;
import java.util.Optional;

/**
 * A market as the API and dashboard show it: its registry entry, its latest served value, and the publish status of
 * the newest bundle that carried it (or why it was blocked).
 */
public record MarketSnapshot(Market market, Optional<ServedValue> latest, Optional<PublishStatus> lastPublishStatus,
        Optional<String> lastProblem) {}
