package com.m0club.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.runtime.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LoggingTest {

    private final Logger log = LoggerFactory.getLogger("com.m0club.test.LoggingTest");

    @AfterEach
    void restoreQuietLogging() {
        MDC.clear();
        Logging.configure(LogFormat.TEXT, "warn");
    }

    @Test
    void jsonFormatWritesOneParsableObjectPerLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.configure(LogFormat.JSON, "info", out);

        MDC.put("trace_id", "t-1");
        log.info("bundle {} signed", "b-9");
        log.debug("below the level");
        log.atWarn().addKeyValue("market_id", "m-3").log("connect redis://:hunter2@cache:6379");
        log.error("publish failed", new IllegalArgumentException("bad secret=hunter3"));

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode json = Json.MAPPER.readTree(line);
            // Every line must parse; only this test's logger is asserted on (other threads may log too).
            if (json.get("logger").asText().equals("com.m0club.test.LoggingTest")) {
                lines.add(json);
            }
        }
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("msg").asText()).isEqualTo("bundle b-9 signed");
        assertThat(lines.get(0).get("trace_id").asText()).isEqualTo("t-1");
        assertThat(lines.get(1).get("market_id").asText()).isEqualTo("m-3");
        assertThat(lines.get(1).get("msg").asText()).isEqualTo("connect redis://:***@cache:6379");
        assertThat(lines.get(2).get("exception").get("message").asText()).isEqualTo("bad secret=***");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("hunter2", "hunter3");
    }

    @Test
    void theKafkaClientsLogWarningsOnlyAtInfoAndFollowTheRootAtDebug() {
        Logger kafka = LoggerFactory.getLogger("org.apache.kafka.clients.consumer.ConsumerConfig");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.configure(LogFormat.TEXT, "info", out);
        kafka.info("ConsumerConfig values: ...");
        kafka.warn("Connection to node -1 could not be established");
        Logging.configure(LogFormat.TEXT, "debug", out);
        kafka.debug("Sending FETCH request");
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("ConsumerConfig values").contains("could not be established")
                .contains("Sending FETCH request");
    }

    @Test
    void textFormatIsRedactedToo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.configure("text", "debug");
        Logging.configure(LogFormat.TEXT, "debug", out);

        log.debug("using postgresql://m0:hunter2@db/m0");
        log.error("boom", new IllegalStateException("token=hunter3"));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("DEBUG", "postgresql://m0:***@db/m0", "IllegalStateException: token=***")
                .doesNotContain("hunter2", "hunter3");
    }

    @Test
    void rejectsUnknownFormatAndLevel() {
        assertThatThrownBy(() -> Logging.configure("xml", "info")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("xml");
        assertThatThrownBy(() -> Logging.configure("json", "loud")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loud");
    }
}
