package com.m0club.publish.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.view.Withdrawal;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@code m0.withdrawn} records: the layout is fixed (a golden vector) and round-trips; trailing bytes are refused. */
class WithdrawalCodecTest {
    @Test
    void goldenVectorAndRoundTrip() {
        byte[] hash = new byte[32];
        Arrays.fill(hash, (byte) 0xab);
        Withdrawal w = new Withdrawal(MarketId.of("CRYPTO_BTC_UP_1H"), Hash32.of(hash));
        byte[] bytes = WithdrawalCodec.INSTANCE.encode(w);
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("0010" + HexFormat.of().formatHex(
                "CRYPTO_BTC_UP_1H".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "ab".repeat(32));
        assertThat(WithdrawalCodec.INSTANCE.decode(bytes)).isEqualTo(w);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> WithdrawalCodec.INSTANCE.decode(longer)).isInstanceOf(RuntimeException.class);
        assertThat(PublishTopics.WITHDRAWN.name()).isEqualTo("m0.withdrawn");
    }
}
