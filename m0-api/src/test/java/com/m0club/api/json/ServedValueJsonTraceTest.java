package com.m0club.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.m0club.api.testing.OracleFixture;
import com.m0club.view.ServedValue;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The trace id of a served value in its REST JSON: shown when traced, null otherwise, and nothing else changes. */
class ServedValueJsonTraceTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Test
    void theTraceIdIsShownWhenTheValueWasTracedAndChangesNothingElse() {
        ServedValue untraced = OracleFixture.seeded().oracle().latest(OracleFixture.SENATE).orElseThrow();
        ServedValue traced = untraced.withTraceparent(Optional.of("00-" + TRACE_ID + "-00f067aa0ba902b7-01"));

        ObjectNode plain = ServedValueJson.latest(untraced);
        ObjectNode withTrace = ServedValueJson.latest(traced);

        assertThat(plain.get("trace_id").isNull()).isTrue();
        assertThat(withTrace.get("trace_id").asText()).isEqualTo(TRACE_ID);
        withTrace.remove("trace_id");
        plain.remove("trace_id");
        assertThat(withTrace).isEqualTo(plain); // proof, hashes and signatures are the same bytes
    }

    @Test
    void aMalformedTraceparentShowsNoTraceId() {
        ServedValue v = OracleFixture.seeded().oracle().latest(OracleFixture.SENATE).orElseThrow()
                .withTraceparent(Optional.of("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01"));
        assertThat(ServedValueJson.latest(v).get("trace_id").isNull()).isTrue();
        assertThat(v.withTraceparent(Optional.of("garbage")).traceId()).isEmpty();
    }
}
