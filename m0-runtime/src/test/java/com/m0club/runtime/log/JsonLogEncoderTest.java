package com.m0club.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.runtime.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class JsonLogEncoderTest {

    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("com.m0club.engine.Quant");

    private JsonNode encode(LoggingEvent event) throws Exception {
        JsonLogEncoder encoder = new JsonLogEncoder();
        encoder.setContext(context);
        encoder.start();
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
        return Json.MAPPER.readTree(line);
    }

    @Test
    void writesOneJsonObjectWithFixedFieldsAndMdc() throws Exception {
        LoggingEvent event = new LoggingEvent("fqcn", logger, Level.INFO, "epoch {} closed", null,
                new Object[] {42});
        event.setTimeStamp(1_767_225_600_123L);
        event.setThreadName("quant-1");
        event.setMDCPropertyMap(Map.of("trace_id", "abc123", "market_id", "7", "msg", "clash"));

        JsonNode json = encode(event);

        assertThat(json.get("ts").asText()).isEqualTo("2026-01-01T00:00:00.123Z");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("logger").asText()).isEqualTo("com.m0club.engine.Quant");
        assertThat(json.get("thread").asText()).isEqualTo("quant-1");
        assertThat(json.get("msg").asText()).isEqualTo("epoch 42 closed");
        assertThat(json.get("trace_id").asText()).isEqualTo("abc123");
        assertThat(json.get("market_id").asText()).isEqualTo("7");
        assertThat(json.get("mdc_msg").asText()).isEqualTo("clash");
        assertThat(json.has("exception")).isFalse();
    }

    @Test
    void redactsMessageMdcKeyValuesAndException() throws Exception {
        IllegalStateException failure = new IllegalStateException(
                "cannot reach postgresql://m0:hunter2@db:5432/m0");
        LoggingEvent event = new LoggingEvent("fqcn", logger, Level.ERROR, "login token={} failed", failure,
                new Object[] {"hunter3"});
        event.setMDCPropertyMap(Map.of("session_token", "hunter4", "note", "password=hunter5"));
        event.addKeyValuePair(new KeyValuePair("api_key", "hunter6"));
        event.addKeyValuePair(new KeyValuePair("attempt", 3));

        JsonNode json = encode(event);

        assertThat(json.toString()).doesNotContain("hunter2", "hunter3", "hunter4", "hunter5", "hunter6");
        assertThat(json.get("msg").asText()).isEqualTo("login token=*** failed");
        assertThat(json.get("session_token").asText()).isEqualTo("***");
        assertThat(json.get("note").asText()).isEqualTo("password=***");
        assertThat(json.get("api_key").asText()).isEqualTo("***");
        assertThat(json.get("attempt").asText()).isEqualTo("3");
        JsonNode exception = json.get("exception");
        assertThat(exception.get("class").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(exception.get("message").asText()).isEqualTo("cannot reach postgresql://m0:***@db:5432/m0");
        assertThat(exception.get("stack").asText())
                .contains("IllegalStateException")
                .contains("at com.m0club.runtime.log.JsonLogEncoderTest");
    }
}
