package com.m0club.protocol.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class EpochScheduleProperties {

    @Property(tries = 1000)
    void timeLiesInItsEpochAndTick(@ForAll @LongRange(min = 0, max = 5_000_000_000_000L) long t,
            @ForAll @IntRange(min = 1, max = 3600) int ticks, @ForAll @IntRange(min = 1, max = 60_000) int cadence) {
        EpochSchedule s = new EpochSchedule((long) ticks * cadence, cadence);
        EpochSchedule.Tick tick = s.tickAt(t);
        EpochSchedule.Epoch e = tick.epoch();
        assertThat(e.startMs()).isLessThanOrEqualTo(t);
        assertThat(e.endMs()).isGreaterThan(t);
        assertThat(e.id()).isEqualTo(t / s.epochWindowMs());
        assertThat(tick.startMs()).isLessThanOrEqualTo(t);
        assertThat(tick.endMs()).isGreaterThan(t).isLessThanOrEqualTo(e.endMs());
        assertThat(tick.index()).isBetween(0L, s.ticksPerEpoch() - 1);
        assertThat(s.isConsistent(e.id(), tick.index(), e.startMs(), e.endMs())).isTrue();
        assertThat(s.epoch(e.id())).isEqualTo(e);
    }

    @Test
    void boundariesBelongToTheNextEpochAndTick() {
        EpochSchedule s = new EpochSchedule(3_600_000, 5_000);
        assertThat(s.epochAt(3_600_000).id()).isEqualTo(1);
        assertThat(s.epochAt(3_599_999).id()).isZero();
        assertThat(s.tickAt(3_600_000).index()).isZero();
        assertThat(s.tickAt(3_599_999).index()).isEqualTo(719);
        assertThat(s.tickAt(3_605_000).index()).isEqualTo(1);
        assertThat(s.tickAt(0).epoch()).isEqualTo(new EpochSchedule.Epoch(0, 0, 3_600_000));
        assertThat(s.ticksPerEpoch()).isEqualTo(720);
    }

    @Test
    void cadenceThatDoesNotDivideTheWindowIsRejectedAtConfigTime() {
        assertThatThrownBy(() -> new EpochSchedule(3_600_000, 7_000))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                    assertThat(e.field()).isEqualTo("publish_cadence_ms");
                    assertThat(e.getMessage()).contains("must divide epoch_window_ms");
                });
        assertThatThrownBy(() -> new EpochSchedule(0, 1)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> new EpochSchedule(1000, 0)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> new EpochSchedule(1000, 2000)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void epochsWhoseEndWouldOverflowAreRejectedNotWrapped() {
        EpochSchedule s = new EpochSchedule(3_600_000, 5_000);
        assertThatThrownBy(() -> s.epochAt(Long.MAX_VALUE))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(
                        ErrorCode.OUT_OF_RANGE));
        // epochId * W overflows to a small start; the check must not be fooled by the wrap-around
        assertThat(s.isConsistent(5_124_095_576_031L, 0, 2_048_384L, 5_648_384L)).isFalse();
    }

    @Test
    void negativeTimeIsRejected() {
        assertThatThrownBy(() -> new EpochSchedule(1000, 100).epochAt(-1))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.field()).isEqualTo("time_ms"));
    }
}
