package com.m0club.backtest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.m0club.engine.quant.ModelOutput;
import com.m0club.protocol.bundle.QualityFlag;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.OutcomeProbability;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * One line of {@code outputs.jsonl} per market per tick (docs/quant.md, "Backtest"):
 *
 * <pre>
 * {"market":"ID","t_ms":123000,"epoch_id":2,"tick":3,"published":true,"ci_level_bps":9500,
 *  "outcomes":{"A":{"p":580000000,"ci_low":520000000,"ci_high":640000000},...},"risk_score":1234,
 *  "quality_flags":["OUTLIER_REJECTED"],"blocked_reason":null}
 * </pre>
 *
 * Keys in this order, outcomes in the market's canonical order, fixed-point integers (scale 10^9) exactly as they
 * would be bundled, quality flags ascending by bit, no whitespace: the same output always gives the same bytes. A
 * blocked tick has {@code "published":false}, {@code "outcomes":{}} and its reason.
 */
public final class OutputsJsonl {
    private static final JsonFactory JSON = new JsonFactory();

    private OutputsJsonl() {}

    /** The line for one output evaluated at {@code tMs}, without the trailing newline. */
    public static String toLine(ModelOutput o, long tMs) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("market", o.market().value());
            g.writeNumberField("t_ms", tMs);
            g.writeNumberField("epoch_id", o.epochId());
            g.writeNumberField("tick", o.tick());
            g.writeBooleanField("published", !o.isBlocked());
            g.writeNumberField("ci_level_bps", o.ciLevelBps());
            g.writeObjectFieldStart("outcomes");
            if (o.distribution().isPresent()) {
                Distribution d = o.distribution().get();
                for (int i = 0; i < d.size(); i++) {
                    OutcomeProbability p = d.get(i);
                    g.writeObjectFieldStart(p.outcome().value());
                    g.writeNumberField("p", p.p());
                    g.writeNumberField("ci_low", p.ciLow());
                    g.writeNumberField("ci_high", p.ciHigh());
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
            g.writeNumberField("risk_score", o.riskScoreBps());
            g.writeArrayFieldStart("quality_flags");
            for (QualityFlag f : QualityFlag.values()) {
                if ((o.qualityFlags() & f.mask()) != 0) {
                    g.writeString(f.name());
                }
            }
            g.writeEndArray();
            if (o.blockedReason().isPresent()) {
                g.writeStringField("blocked_reason", o.blockedReason().get());
            } else {
                g.writeNullField("blocked_reason");
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing an output line to memory", e);
        }
        return w.toString();
    }
}
