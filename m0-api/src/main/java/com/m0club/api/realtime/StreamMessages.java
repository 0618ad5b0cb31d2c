package com.m0club.api.realtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.api.json.Json;
import com.m0club.api.json.ServedValueJson;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.id.MarketId;
import com.m0club.view.ServedValue;

/** The server-to-client messages of {@code /v1/stream} (docs/api.md, "WebSocket"). Each is one JSON text frame. */
final class StreamMessages {
    private StreamMessages() {}

    /** A value newly revealed or finalized on the ledger. Rendered once per value and shared by every client. */
    static String value(ServedValue v) {
        BundleItem item = v.item();
        ObjectNode n = Json.object();
        n.put("type", "value");
        n.put("market_id", v.marketId().value());
        n.put("epoch_id", item.epochId());
        n.put("tick", item.tick());
        n.put("ledger_status", v.ledgerStatus().name());
        n.put("sequence", v.sequence());
        n.put("bundle_hash_hex", v.bundleHash().toHex());
        n.set("distribution", ServedValueJson.distribution(item.distribution()));
        n.put("risk_score", item.riskScoreBps());
        n.put("risk_score_decimal", ServedValueJson.basisPoints(item.riskScoreBps()));
        n.set("quality_flags", ServedValueJson.qualityFlags(item.qualityFlags()));
        n.put("revealed_at_ms", v.revealedAtMs());
        return Json.text(n);
    }

    /** The client missed {@code dropped} messages because it read too slowly. */
    static String lag(long dropped) {
        ObjectNode n = Json.object();
        n.put("type", "lag");
        n.put("dropped", dropped);
        return Json.text(n);
    }

    /** Confirms the subscription now in force (sent on connect, and after every subscribe message). */
    static String subscribed(Subscription s, int bufferLimit) {
        ObjectNode n = Json.object();
        n.put("type", "subscribed");
        n.put("all", s.all());
        ArrayNode markets = n.putArray("markets");
        for (MarketId id : s.markets()) {
            markets.add(id.value());
        }
        n.put("buffer_limit", bufferLimit);
        return Json.text(n);
    }

    /** A client message was refused; the subscription is unchanged. */
    static String error(String code, String message) {
        ObjectNode n = Json.object();
        n.put("type", "error");
        n.put("error", code);
        n.put("message", message);
        return Json.text(n);
    }
}
