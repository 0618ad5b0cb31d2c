package com.m0club.engine.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PublishRoundTest {

    @Test
    void roundsAreAlignedToOriginZero() {
        PublishRound r = PublishRound.roundAt(12_345, 5_000);
        assertThat(r).isEqualTo(new PublishRound(10_000, 15_000));
        assertThat(r.contains(10_000)).isTrue();
        assertThat(r.contains(15_000)).isFalse();
        assertThat(r.next()).isEqualTo(new PublishRound(15_000, 20_000));
        assertThat(PublishRound.roundAt(15_000, 5_000)).isEqualTo(r.next());
        assertThat(PublishRound.roundAt(0, 5_000)).isEqualTo(new PublishRound(0, 5_000));
    }

    @Test
    void roundKeyIsSignerSetAndStart() {
        assertThat(PublishRound.roundKey(7, 10_000)).isEqualTo("7:10000");
        assertThat(PublishRound.roundAt(12_345, 5_000).key(7)).isEqualTo("7:10000");
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> PublishRound.roundAt(-1, 5_000)).hasMessageContaining("time_ms");
        assertThatThrownBy(() -> PublishRound.roundAt(1, 0)).hasMessageContaining("round_ms");
        assertThatThrownBy(() -> PublishRound.roundKey(1L << 32, 0)).hasMessageContaining("signer_set_id");
        assertThatThrownBy(() -> new PublishRound(5, 5)).hasMessageContaining("round.end_ms");
    }
}
