package com.m0club.api.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.view.ServedValue;
import java.math.BigDecimal;

/**
 * Renders a {@link ServedValue} for the REST API and the realtime stream. The JSON names follow docs/api.md; the
 * fixed-point integers are what was hashed and signed, the {@code *_decimal} strings are the same numbers written for
 * humans (exact: {@code p / 10^9} printed with nine decimals, never a rounded double).
 */
public final class ServedValueJson {
    private ServedValueJson() {}

    /** One entry per outcome in canonical order: fixed point and decimal side by side. */
    public static ArrayNode distribution(Distribution distribution) {
        ArrayNode out = Json.array();
        for (OutcomeProbability o : distribution.outcomes()) {
            ObjectNode n = out.addObject();
            n.put("outcome", o.outcome().value());
            n.put("p", o.p());
            n.put("ci_low", o.ciLow());
            n.put("ci_high", o.ciHigh());
            n.put("p_decimal", probability(o.p()));
            n.put("ci_low_decimal", probability(o.ciLow()));
            n.put("ci_high_decimal", probability(o.ciHigh()));
        }
        return out;
    }

    /** A fixed-point probability as an exact decimal string, for example 550000000 -> "0.550000000". */
    public static String probability(long fixed) {
        return BigDecimal.valueOf(fixed, 9).toPlainString();
    }

    /** Basis points as an exact decimal fraction, for example 1250 -> "0.1250". */
    public static String basisPoints(int bps) {
        return BigDecimal.valueOf(bps, 4).toPlainString();
    }

    /** Set flags by name, in bit order. */
    public static ArrayNode qualityFlags(long bits) {
        ArrayNode out = Json.array();
        for (QualityFlag f : QualityFlag.decode(bits)) {
            out.add(f.name());
        }
        return out;
    }

    /** What a market listing shows of its latest value: the numbers and where they stand, without the proof. */
    public static ObjectNode compact(ServedValue v) {
        BundleItem item = v.item();
        ObjectNode n = Json.object();
        n.put("epoch_id", item.epochId());
        n.put("tick", item.tick());
        n.set("distribution", distribution(item.distribution()));
        putRiskAndFlags(n, item);
        n.put("ledger_status", v.ledgerStatus().name());
        n.put("sequence", v.sequence());
        n.put("bundle_hash_hex", v.bundleHash().toHex());
        n.put("revealed_at_ms", v.revealedAtMs());
        return n;
    }

    /**
     * The full latest value of one market with the proof contract: everything an independent verifier needs, and
     * where the ledger recorded it.
     */
    public static ObjectNode latest(ServedValue v) {
        BundleItem item = v.item();
        BundleHeader header = BundleCodec.decodeHeader(v.headerBytes());
        ObjectNode n = Json.object();
        n.put("market_id", v.marketId().value());
        n.put("epoch_id", item.epochId());
        n.put("tick", item.tick());
        n.put("window_start_ms", item.windowStartMs());
        n.put("window_end_ms", item.windowEndMs());
        n.put("ci_level_bps", item.ciLevelBps());
        n.set("distribution", distribution(item.distribution()));
        putRiskAndFlags(n, item);
        n.put("model_id", item.model().modelId());
        n.put("model_version", item.model().modelVersion());
        Json.putOrNull(n, "calibration_hash_hex", item.calibrationHash().map(Hash32::toHex));
        Json.putOrNull(n, "features_hash_hex", item.featuresHash().map(Hash32::toHex));
        n.put("produced_at_ms", header.producedAtMs());
        n.put("revealed_at_ms", v.revealedAtMs());
        // operators' metadata (the OpenTelemetry trace that produced the value): in no hashed or signed bytes
        Json.putOrNull(n, "trace_id", v.traceId());
        n.set("proof", proof(v));
        n.set("ledger", ledger(v));
        return n;
    }

    /** The proof contract, field by field as docs/api.md describes it. */
    public static ObjectNode proof(ServedValue v) {
        ObjectNode p = Json.object();
        p.put("header_hex", Json.hex(v.headerBytes()));
        p.put("item_hex", Json.hex(v.itemBytes()));
        p.put("leaf_index", v.proof().leafIndex());
        p.put("leaf_count", v.proof().leafCount());
        ArrayNode path = p.putArray("path_hex");
        for (Hash32 h : v.proof().path()) {
            path.add(h.toHex());
        }
        p.put("bundle_hash_hex", v.bundleHash().toHex());
        p.put("signer_set_id", v.signerSetId());
        p.put("sequence", v.sequence());
        p.put("threshold", v.threshold());
        ArrayNode sigs = p.putArray("signatures");
        for (SignerSignature s : v.signatures()) {
            ObjectNode sig = sigs.addObject();
            sig.put("public_key_hex", s.key().toHex());
            sig.put("signature_hex", s.signatureHex());
        }
        return p;
    }

    /** Where the ledger recorded the value; {@code finalized_slot} is null until the epoch finalizes. */
    public static ObjectNode ledger(ServedValue v) {
        ObjectNode l = Json.object();
        l.put("status", v.ledgerStatus().name());
        l.put("commit_hash_hex", v.commitHash().toHex());
        l.put("commit_slot", v.commitSlot());
        l.put("reveal_slot", v.revealSlot());
        if (v.finalizedSlot().isPresent()) {
            l.put("finalized_slot", v.finalizedSlot().getAsLong());
        } else {
            l.putNull("finalized_slot");
        }
        return l;
    }

    private static void putRiskAndFlags(ObjectNode n, BundleItem item) {
        n.put("risk_score", item.riskScoreBps());
        n.put("risk_score_decimal", basisPoints(item.riskScoreBps()));
        n.set("quality_flags", qualityFlags(item.qualityFlags()));
        n.put("quality_flags_bits", item.qualityFlags());
    }
}
