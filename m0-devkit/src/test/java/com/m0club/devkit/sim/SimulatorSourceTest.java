package com.m0club.devkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.engine.TestMarkets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SimulatorSourceTest {
    private static final long START = 1_700_000_000_000L;

    private static Simulator simulator() {
        return Simulator.builder().seed(3).startMs(START).markets(TestMarkets.all()).build();
    }

    @Test
    void eachPollIsTheSimulatorAdvancedToTheNodeClock() {
        Simulator expected = simulator();
        try (SimulatorSource source = new SimulatorSource(simulator())) {
            source.start();
            assertThat(source.name()).isEqualTo("simulator");
            assertThat(source.poll(Instant.ofEpochMilli(START + 5_000))).isEqualTo(expected.advanceTo(START + 5_000))
                    .isNotEmpty();
            assertThat(source.poll(Instant.ofEpochMilli(START + 9_000))).isEqualTo(expected.advanceTo(START + 9_000));
        }
    }

    @Test
    void pollNeedsAStartedOpenSource() {
        SimulatorSource source = new SimulatorSource(simulator());
        assertThatThrownBy(() -> source.poll(Instant.ofEpochMilli(START))).isInstanceOf(IllegalStateException.class);
        source.start();
        source.close();
        assertThatThrownBy(() -> source.poll(Instant.ofEpochMilli(START))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(source::start).hasMessageContaining("closed");
    }
}
