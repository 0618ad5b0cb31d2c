package com.m0club.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.protocol.Generators;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.hash.Hash32;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class BundleCodecProperties {

    @Provide
    Arbitrary<Bundle> bundles() {
        return Generators.bundles(12);
    }

    @Property(tries = 300)
    void decodeOfEncodeIsIdentity(@ForAll("bundles") Bundle bundle) {
        EncodedBundle encoded = EncodedBundle.of(bundle);
        EncodedBundle decoded = BundleCodec.decode(encoded.bytes());

        assertThat(decoded.bundle()).isEqualTo(bundle);
        assertThat(decoded.bytes()).isEqualTo(encoded.bytes());
        assertThat(decoded.bundleHash()).isEqualTo(encoded.bundleHash());
        assertThat(decoded.headerBytes()).isEqualTo(encoded.headerBytes());
        for (int i = 0; i < bundle.items().size(); i++) {
            assertThat(decoded.itemBytes(i)).isEqualTo(encoded.itemBytes(i));
            assertThat(BundleCodec.decodeItem(encoded.itemBytes(i))).isEqualTo(bundle.items().get(i));
        }
    }

    @Property(tries = 200)
    void encodingIsDeterministic(@ForAll("bundles") Bundle bundle) {
        assertThat(EncodedBundle.of(bundle).bytes()).isEqualTo(EncodedBundle.of(bundle).bytes());
        assertThat(BundleCodec.encode(bundle)).isEqualTo(EncodedBundle.of(bundle).bytes());
    }

    /** One bundle, one encoding, one hash: a byte flip either fails to decode or yields a different hash. */
    @Property(tries = 500)
    void anySingleByteChangeFailsOrChangesTheHash(@ForAll("bundles") Bundle bundle,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
            @ForAll @IntRange(min = 1, max = 255) int xor) {
        EncodedBundle original = EncodedBundle.of(bundle);
        byte[] bytes = original.bytes();
        int at = position % bytes.length;
        bytes[at] ^= (byte) xor;
        EncodedBundle mutated;
        try {
            mutated = BundleCodec.decode(bytes);
        } catch (ProtocolException rejected) {
            return;
        }
        assertThat(mutated.bundleHash()).isNotEqualTo(original.bundleHash());
        assertThat(mutated.bytes()).isEqualTo(bytes);
    }

    @Property(tries = 200)
    void everyProperPrefixIsRejected(@ForAll("bundles") Bundle bundle,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) {
        byte[] bytes = EncodedBundle.of(bundle).bytes();
        byte[] prefix = Arrays.copyOf(bytes, cut % bytes.length);
        assertThatThrownBy(() -> BundleCodec.decode(prefix)).isInstanceOf(ProtocolException.class);
    }

    @Property(tries = 100)
    void signaturesAreNotHashed(@ForAll("bundles") Bundle bundle) {
        EncodedBundle encoded = EncodedBundle.of(bundle);
        Hash32 hash = encoded.bundleHash();
        SignedBundle unsigned = SignedBundle.of(encoded, java.util.List.of());
        SignedBundle decoded = BundleCodec.decodeSigned(unsigned.encode());
        assertThat(decoded.bundle().bundleHash()).isEqualTo(hash);
        assertThat(decoded.signatures()).isEmpty();
    }
}
