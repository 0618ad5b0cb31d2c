package com.m0club.api.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.api.json.Json;
import com.m0club.api.json.ServedValueJson;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Market;
import com.m0club.view.MarketSnapshot;

/** Renders a {@link MarketSnapshot}: the registry entry, the compact latest value (or null) and publish status. */
final class MarketJson {
    private MarketJson() {}

    static ObjectNode snapshot(MarketSnapshot s) {
        Market m = s.market();
        ObjectNode n = Json.object();
        n.put("id", m.id().value());
        n.put("domain", m.domain().name());
        n.put("title", m.title());
        n.put("tier", m.tier().name());
        n.put("status", m.status().name());
        ArrayNode outcomes = n.putArray("outcomes");
        for (OutcomeId o : m.outcomes()) {
            outcomes.add(o.value());
        }
        n.put("epoch_window_ms", m.schedule().epochWindowMs());
        n.put("publish_cadence_ms", m.schedule().publishCadenceMs());
        if (s.latest().isPresent()) {
            n.set("latest", ServedValueJson.compact(s.latest().get()));
        } else {
            n.putNull("latest");
        }
        Json.putOrNull(n, "last_publish_status", s.lastPublishStatus().map(Enum::name));
        Json.putOrNull(n, "last_problem", s.lastProblem());
        return n;
    }
}
