package com.m0club.protocol.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.Generators;
import com.m0club.protocol.ProtocolException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifierTest {

    @ParameterizedTest
    @ValueSource(strings = {"SPORTS_NBA_LAL_BOS_2026_01_04", "ABC", "A__", "CRYPTO_BTC_UP_1H"})
    void acceptsValidMarketIds(String id) {
        assertThat(MarketId.of(id).value()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "AB", "1ABC", "_ABC", "abc", "ABC-DEF", "ABC DEF", "ÄBC", " ABC",
            "A1234567890123456789012345678901234567890123456789012345678901234"})
    void rejectsInvalidMarketIdsNamingTheFieldAndRule(String id) {
        assertThatThrownBy(() -> MarketId.of(id)).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FORMAT);
            assertThat(e.field()).isEqualTo("market_id");
            assertThat(e.getMessage()).contains(MarketId.RULE);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yes", "A-B", "A.B", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"})
    void rejectsInvalidOutcomeIds(String id) {
        assertThatThrownBy(() -> OutcomeId.of(id)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.field()).isEqualTo("outcome_id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-book", ".x", "Book", "book!", "b/c"})
    void rejectsInvalidSourceIds(String id) {
        assertThatThrownBy(() -> SourceId.of(id)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.field()).isEqualTo("source_id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim.book-1", "0", "pyth_btc", "a.b-c_d"})
    void acceptsValidSourceIds(String id) {
        assertThat(SourceId.of(id).value()).isEqualTo(id);
    }

    @Property(tries = 500)
    void generatedMarketIdsAreAcceptedAndOrderedByBytes(@ForAll("ids") MarketId a, @ForAll("ids") MarketId b) {
        int bytes = java.util.Arrays.compareUnsigned(a.value().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                b.value().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(bytes));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<MarketId> ids() {
        return Generators.marketIds();
    }

    @Property(tries = 500)
    void anyNonAlphabetCharacterIsRejected(@ForAll("ids") MarketId base, @ForAll char c) {
        boolean allowed = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        String mutated = base.value().substring(0, 1) + c + base.value().substring(2);
        if (allowed) {
            assertThat(MarketId.of(mutated).value()).isEqualTo(mutated);
        } else {
            assertThatThrownBy(() -> MarketId.of(mutated)).isInstanceOf(ProtocolException.class)
                    .hasMessageNotContaining("\u0000");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Model", "-x", "a b"})
    void rejectsInvalidModelIds(String id) {
        assertThatThrownBy(() -> ModelRef.of(id, "1")).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.field()).isEqualTo("model_id"));
    }
}
