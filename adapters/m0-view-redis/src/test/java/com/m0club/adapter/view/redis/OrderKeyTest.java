package com.m0club.adapter.view.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.adapter.view.redis.testing.RedisServerProcess;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The order of a market's values, in Java and in the Lua scripts alike. */
class OrderKeyTest {
    @Test
    void theLaterSlotThenTheHigherSequenceThenFinalizedWins() {
        assertThat(new OrderKey(5, 1, false).newerThan(new OrderKey(4, 9, true))).isTrue();
        assertThat(new OrderKey(5, 2, false).newerThan(new OrderKey(5, 1, true))).isTrue();
        assertThat(new OrderKey(5, 2, true).newerThan(new OrderKey(5, 2, false))).isTrue();
        assertThat(new OrderKey(5, 2, true).newerThan(new OrderKey(5, 2, true))).as("equal keys: a redelivery")
                .isFalse();
        assertThat(OrderKey.decode(new OrderKey(12, 3, true).encode())).isEqualTo(new OrderKey(12, 3, true));
    }

    @Test
    void keysBeyondWhatLuaHoldsExactlyAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new OrderKey(OrderKey.LIMIT, 0, false)).hasMessageContaining("revealSlot");
        assertThatThrownBy(() -> new OrderKey(0, -1, false)).hasMessageContaining("sequence");
        assertThatThrownBy(() -> OrderKey.decode("1:2")).hasMessageContaining("slot:sequence:0|1");
    }

    @Test
    void theScriptsOrderKeysNextToTheLimitExactly() {
        try (RedisServerProcess redis = RedisServerProcess.start();
                RedisView view = TestValues.view(redis.url(), new PrometheusRegistry())) {
            TestValues.await("the command connection", Duration.ofSeconds(30), view::commandsUp);
            long top = OrderKey.LIMIT - 1;
            assertThat(view.put(TestValues.value(1, top, false), false)).isEqualTo(1);
            assertThat(view.put(TestValues.value(1, top - 1, true), false)).as("one slot older").isZero();
            assertThat(view.sync(TestValues.btc(), Optional.of(TestValues.value(1, top, true)), 0))
                    .as("the same item finalized").isEqualTo(1);
            assertThat(OrderKey.of(view.read(TestValues.btc()).orElseThrow())).isEqualTo(new OrderKey(top, 1, true));
        }
    }
}
