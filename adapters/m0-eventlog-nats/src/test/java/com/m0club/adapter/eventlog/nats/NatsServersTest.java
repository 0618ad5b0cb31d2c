package com.m0club.adapter.eventlog.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The server list of an event log URL: the forms accepted, what is refused, credentials never shown. */
class NatsServersTest {
    @Test
    void entriesWithoutASchemeTakeTheFirstEntrysScheme() {
        assertThat(NatsServers.parse("nats://a:4222, b:4223,tls://c:4224").urls())
                .containsExactly("nats://a:4222", "nats://b:4223", "tls://c:4224");
        assertThat(NatsServers.parse("tls://a:4222,b:4222").urls()).containsExactly("tls://a:4222", "tls://b:4222");
        assertThat(NatsServers.parse("nats://127.0.0.1:4222/").urls()).containsExactly("nats://127.0.0.1:4222");
    }

    @Test
    void anythingButNatsOrTlsUrlsOfHostAndPortIsRefusedNamingTheEntry() {
        assertThatThrownBy(() -> NatsServers.parse("kafka://a:9092")).hasMessageContaining("\"kafka://a:9092\"")
                .hasMessageContaining("nats://");
        assertThatThrownBy(() -> NatsServers.parse("a:4222")).hasMessageContaining("must start with nats://");
        assertThatThrownBy(() -> NatsServers.parse("nats://a:4222,")).hasMessageContaining("empty entry");
        assertThatThrownBy(() -> NatsServers.parse("nats://a:4222/x")).hasMessageContaining("without a path");
        assertThatThrownBy(() -> NatsServers.parse("nats://a:4222?x=1")).hasMessageContaining("without a path");
        assertThatThrownBy(() -> NatsServers.parse("nats://:4222")).hasMessageContaining("no host");
        assertThatThrownBy(() -> NatsServers.parse("nats://a:70000")).hasMessageContaining("1..65535");
    }

    @Test
    void credentialsAreReportedAndNeverPrinted() {
        NatsServers s = NatsServers.parse("nats://m0:s3cret@a:4222,nats://b:4222");
        assertThat(s.hasCredentials()).isTrue();
        assertThat(s.toString()).isEqualTo("nats://***@a:4222,nats://b:4222");
        assertThat(NatsServers.parse("nats://a:4222").hasCredentials()).isFalse();
        assertThatThrownBy(() -> NatsServers.parse("nats://m0:s3cret@a:4222/x"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    }
}
