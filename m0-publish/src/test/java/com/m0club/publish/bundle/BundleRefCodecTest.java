package com.m0club.publish.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.hash.Hash32;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The binary form of a bundle reference: a round trip for every value, one golden vector, strict decoding. */
class BundleRefCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Set 1, sequence 2, hash 00 01 .. 1f. */
    private static final String GOLDEN = "01" + "00000001" + "0000000000000002"
            + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    @Provide
    Arbitrary<BundleRef> refs() {
        return Combinators.combine(Arbitraries.longs().between(0, 0xFFFF_FFFFL),
                Arbitraries.longs().between(1, Long.MAX_VALUE),
                Arbitraries.bytes().array(byte[].class).ofSize(Hash32.LENGTH))
                .as((set, sequence, hash) -> new BundleRef(set, sequence, Hash32.of(hash)));
    }

    @Property
    void decodeInvertsEncode(@ForAll("refs") BundleRef ref) {
        byte[] bytes = BundleRefCodec.INSTANCE.encode(ref);

        assertThat(bytes).hasSize(BundleRefCodec.LENGTH);
        assertThat(BundleRefCodec.INSTANCE.decode(bytes)).isEqualTo(ref);
        assertThat(BundleRefCodec.INSTANCE.encode(BundleRefCodec.INSTANCE.decode(bytes))).isEqualTo(bytes);
    }

    @Example
    void goldenVector() {
        byte[] hash = new byte[Hash32.LENGTH];
        for (int i = 0; i < hash.length; i++) {
            hash[i] = (byte) i;
        }
        BundleRef ref = new BundleRef(1, 2, Hash32.of(hash));

        assertThat(HEX.formatHex(BundleRefCodec.INSTANCE.encode(ref))).isEqualTo(GOLDEN);
        assertThat(BundleRefCodec.INSTANCE.decode(HEX.parseHex(GOLDEN))).isEqualTo(ref);
    }

    @Example
    void theLargestSetIdIsAnUnsignedU32() {
        BundleRef ref = new BundleRef(0xFFFF_FFFFL, Long.MAX_VALUE, Hash32.of(new byte[Hash32.LENGTH]));

        assertThat(HEX.formatHex(BundleRefCodec.INSTANCE.encode(ref))).startsWith("01ffffffff7fffffffffffffff");
        assertThat(BundleRefCodec.INSTANCE.decode(BundleRefCodec.INSTANCE.encode(ref))).isEqualTo(ref);
    }

    @Example
    void decodingRefusesAnythingButTheOneEncoding() {
        byte[] golden = HEX.parseHex(GOLDEN);

        assertThatThrownBy(() -> BundleRefCodec.INSTANCE.decode(java.util.Arrays.copyOf(golden, golden.length - 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bundle_ref: field length: must be 45 bytes");
        assertThatThrownBy(() -> BundleRefCodec.INSTANCE.decode(java.util.Arrays.copyOf(golden, golden.length + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 46");
        byte[] version2 = golden.clone();
        version2[0] = 2;
        assertThatThrownBy(() -> BundleRefCodec.INSTANCE.decode(version2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bundle_ref: field version");
        byte[] negativeSequence = golden.clone();
        negativeSequence[5] = (byte) 0x80;
        assertThatThrownBy(() -> BundleRefCodec.INSTANCE.decode(negativeSequence))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bundle_ref.sequence");
        byte[] zeroSequence = golden.clone();
        zeroSequence[12] = 0;
        assertThatThrownBy(() -> BundleRefCodec.INSTANCE.decode(zeroSequence))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bundle_ref.sequence");
    }
}
