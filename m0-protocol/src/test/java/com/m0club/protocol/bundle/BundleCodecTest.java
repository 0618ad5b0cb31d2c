package com.m0club.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SigningKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundleCodecTest {
    static final long W = 3_600_000L;

    static BundleItem item(String market, long pHome) {
        return BundleItem.builder()
                .market(market)
                .epoch(10, 10 * W, 11 * W)
                .tick(3)
                .distribution(new Distribution(List.of(
                        OutcomeProbability.of("AWAY", 1_000_000_000L - pHome, 0, 1_000_000_000L - pHome),
                        OutcomeProbability.of("HOME", pHome, pHome, 1_000_000_000L))))
                .riskScoreBps(1200)
                .qualityFlags(QualityFlag.of(QualityFlag.STALE_SOURCE, QualityFlag.JUMP))
                .model("logpool", "1.0.0")
                .featuresHash(Hash32.of(new byte[32]))
                .build();
    }

    static Bundle bundle(String... markets) {
        List<BundleItem> items = new ArrayList<>();
        for (String m : markets) {
            items.add(item(m, 600_000_000L));
        }
        return Bundle.of(new BundleHeader(7, 42, 1000, 2000, 2100), items);
    }

    static ProtocolException rejected(byte[] bytes) {
        try {
            BundleCodec.decode(bytes);
        } catch (ProtocolException e) {
            return e;
        }
        throw new AssertionError("decoder accepted non-canonical input");
    }

    @Test
    void headerLayoutIsFixedSize() {
        byte[] header = BundleCodec.encodeHeader(new BundleHeader(7, 42, 1000, 2000, 2100));
        assertThat(header).hasSize(BundleHeader.ENCODED_LENGTH);
        // u16 version 1, u32 set 7, u64 sequence 42, little-endian
        assertThat(Arrays.copyOf(header, 14)).containsExactly(1, 0, 7, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void unknownHeaderVersionIsRejected() {
        byte[] bytes = EncodedBundle.of(bundle("AAA")).bytes();
        bytes[0] = 2;
        ProtocolException e = rejected(bytes);
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(e.field()).isEqualTo("header.version");
        assertThat(e.offset()).hasValue(0);
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] bytes = EncodedBundle.of(bundle("AAA", "BBB")).bytes();
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        ProtocolException e = rejected(longer);
        assertThat(e.code()).isEqualTo(ErrorCode.TRAILING_BYTES);
        assertThat(e.offset()).hasValue(bytes.length);
    }

    @Test
    void itemsOutOfOrderAreRejectedByTheDecoderButSortedByTheFactory() {
        EncodedBundle ab = EncodedBundle.of(bundle("AAA", "BBB"));
        // swap the two (equal-length) items
        byte[] bytes = ab.bytes();
        byte[] a = ab.itemBytes(0);
        byte[] b = ab.itemBytes(1);
        int start = BundleHeader.ENCODED_LENGTH + 2;
        System.arraycopy(b, 0, bytes, start, b.length);
        System.arraycopy(a, 0, bytes, start + b.length, a.length);
        ProtocolException e = rejected(bytes);
        assertThat(e.code()).isEqualTo(ErrorCode.NON_CANONICAL_ORDER);
        assertThat(e.field()).isEqualTo("items[1].market_id");
        assertThat(e.getMessage()).contains("AAA follows BBB");
    }

    @Test
    void duplicateMarketIsRejected() {
        assertThatThrownBy(() -> new Bundle(new BundleHeader(1, 1, 0, 1, 1),
                List.of(item("AAA", 1), item("AAA", 2))))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE);
                    assertThat(e.field()).isEqualTo("items[1].market_id");
                });
    }

    @Test
    void badSumInsideAnItemNamesTheItem() {
        EncodedBundle one = EncodedBundle.of(bundle("AAA", "BBB"));
        byte[] bytes = one.bytes();
        // the second item's AWAY.p sits after: version(2) + str "BBB"(5) + epoch(8)+tick(4)+ws(8)+we(8)+count(2)
        // + str "AWAY"(6) => offset 43 within the item
        int p = BundleHeader.ENCODED_LENGTH + 2 + one.itemBytes(0).length + 43;
        bytes[p] ^= 1;
        ProtocolException e = rejected(bytes);
        assertThat(e.code()).isIn(ErrorCode.BAD_SUM, ErrorCode.CI_INVARIANT);
        assertThat(e.field()).startsWith("items[1].outcomes");
        assertThat(e.offset()).isPresent();
    }

    @Test
    void reservedQualityBitsAreRejected() {
        assertThatThrownBy(() -> BundleItem.builder().market("AAA").epoch(0, 0, W).tick(0)
                .distribution(new Distribution(List.of(OutcomeProbability.of("YES", 1_000_000_000L, 0,
                        1_000_000_000L))))
                .qualityFlags(1L << 12).model("m", "1").build())
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RESERVED_BITS));
    }

    @Test
    void windowMustBeOnTheEpochGrid() {
        assertThatThrownBy(() -> BundleItem.builder().market("AAA").epoch(3, 2 * W, 3 * W).tick(0)
                .distribution(new Distribution(List.of(OutcomeProbability.of("YES", 1_000_000_000L, 0,
                        1_000_000_000L))))
                .model("m", "1").build())
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INCONSISTENT_WINDOW);
                    assertThat(e.field()).isEqualTo("epoch_id");
                });
    }

    @Test
    void ciLevelMustBeOneOfTheProtocolLevels() {
        assertThatThrownBy(() -> BundleItem.builder().market("AAA").epoch(0, 0, W).tick(0).ciLevelBps(9400)
                .distribution(new Distribution(List.of(OutcomeProbability.of("YES", 1_000_000_000L, 0,
                        1_000_000_000L))))
                .model("m", "1").build())
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.field()).isEqualTo("ci_level_bps"));
    }

    @Test
    void signedBundleRoundTripsAndVerifies() {
        SecureRandom rnd = new SecureRandom(new byte[] {1});
        List<SigningKey> keys = List.of(SigningKey.generate(rnd), SigningKey.generate(rnd), SigningKey.generate(rnd));
        SignerSet set = SignerSet.builder().id(7).threshold(2).keys(keys.stream().map(SigningKey::publicKey).toList())
                .build();
        EncodedBundle encoded = EncodedBundle.of(bundle("AAA", "BBB", "CCC"));
        var sigs = keys.stream().map(k -> com.m0club.protocol.sign.SignerSignature.of(k.publicKey(),
                k.sign(encoded.signedMessage()))).toList();
        SignedBundle signed = SignedBundle.of(encoded, sigs);

        SignedBundle decoded = BundleCodec.decodeSigned(signed.encode());
        assertThat(decoded.signatures()).isEqualTo(signed.signatures());
        assertThat(decoded.bundle().bundleHash()).isEqualTo(encoded.bundleHash());
        assertThat(decoded.verify(set).passed()).isTrue();
    }

    @Test
    void proofForEveryMarketVerifiesAgainstTheHeaderAndHash() {
        EncodedBundle encoded = EncodedBundle.of(bundle("AAA", "BBB", "CCC", "DDD", "EEE"));
        for (String m : List.of("AAA", "BBB", "CCC", "DDD", "EEE")) {
            int i = encoded.indexOf(com.m0club.protocol.id.MarketId.of(m));
            assertThat(EncodedBundle.verifyInclusion(encoded.itemBytes(i), encoded.proof(i), encoded.headerBytes(),
                    encoded.bundleHash())).isTrue();
        }
        assertThatThrownBy(() -> encoded.indexOf(com.m0club.protocol.id.MarketId.of("ZZZ")))
                .isInstanceOf(ProtocolException.class);
    }
}
