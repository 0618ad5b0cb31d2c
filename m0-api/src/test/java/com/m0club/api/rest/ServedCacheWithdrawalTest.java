package com.m0club.api.rest;

import static com.m0club.api.testing.OracleFixture.BTC;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.api.testing.OracleFixture;
import com.m0club.api.testing.TestHttp;
import com.m0club.view.ServedValue;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 6 items 3 and 6: a value the reconciler withdraws from serving (the ledger does not back its bundle) is no
 * longer served from the API's memory: {@code /latest} answers what the read model now holds (the previous value,
 * or 404), with another ETag.
 */
class ServedCacheWithdrawalTest {
    private static ApiServer api(OracleFixture fixture) {
        return ApiServer.builder().host("127.0.0.1").port(0).readModel(fixture.oracle()).feed(fixture.oracle())
                .registry(new PrometheusRegistry()).clock(Clock.systemUTC()).build().start();
    }

    @Test
    void aWithdrawnValueIsNoLongerServedAndThePreviousOneComesBack() {
        OracleFixture fixture = OracleFixture.seeded();
        try (ApiServer api = api(fixture)) {
            TestHttp http = new TestHttp(URI.create("http://127.0.0.1:" + api.port()));
            ServedValue previous = fixture.oracle().latest(BTC).orElseThrow();
            OracleFixture.Round round = fixture.round(Map.of(BTC, OracleFixture.binary(0.61)));
            fixture.reveal(round);
            TestHttp.Response served = http.get("/v1/markets/" + BTC.value() + "/latest");
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.header("ETag")).contains(round.bundle().bundleHash().toHex());

            fixture.oracle().withdraw(BTC, Optional.of(previous));

            TestHttp.Response after = http.get("/v1/markets/" + BTC.value() + "/latest");
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.header("ETag")).isNotEqualTo(served.header("ETag"))
                    .contains(previous.bundleHash().toHex());
            assertThat(after.body()).doesNotContain(round.bundle().bundleHash().toHex());
            // a conditional request with the withdrawn ETag is not answered 304
            assertThat(http.get("/v1/markets/" + BTC.value() + "/latest", served.header("ETag")).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aWithdrawnValueWithNothingBeforeItIs404() {
        OracleFixture fixture = OracleFixture.seeded();
        try (ApiServer api = api(fixture)) {
            TestHttp http = new TestHttp(URI.create("http://127.0.0.1:" + api.port()));
            assertThat(http.get("/v1/markets/" + BTC.value() + "/latest").status()).isEqualTo(200);

            fixture.oracle().withdraw(BTC, Optional.empty());

            assertThat(http.get("/v1/markets/" + BTC.value() + "/latest").status()).isEqualTo(404);
        }
    }
}
