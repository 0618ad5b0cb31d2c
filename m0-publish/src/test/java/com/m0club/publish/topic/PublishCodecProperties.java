package com.m0club.publish.topic;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.eventlog.testing.CodecChecks;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.publish.support.Fixture;
import com.m0club.view.LedgerStatus;
import com.m0club.view.ServedValue;
import java.util.Arrays;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The publishing plane's record codecs keep the {@link com.m0club.eventlog.RecordCodec} contract: round trip,
 * deterministic, truncated or arbitrary bytes refused with a RecordFormatException only; one golden vector each.
 */
class PublishCodecProperties {
    static SignedBundle signed(long sequence, int keys) {
        EncodedBundle b = Fixture.bundle(sequence, Fixture.T0 + 7_000);
        return keys == 0 ? Fixture.sign(b) : keys == 1 ? Fixture.sign(b, Fixture.K1)
                : Fixture.sign(b, Fixture.K2, Fixture.K1);
    }

    static ServedValue served(SignedBundle s, int leaf, boolean finalized, long slot) {
        EncodedBundle b = s.bundle();
        return new ServedValue(b.bundle().items().get(leaf).marketId(), b.bundle().items().get(leaf), b.itemBytes(leaf),
                b.headerBytes(), b.proof(leaf), b.bundleHash(), b.bundle().header().signerSetId(),
                b.bundle().header().sequence(), 2, s.signatures(),
                finalized ? LedgerStatus.FINALIZED : LedgerStatus.REVEALED, Hash32.of(filled(0x33)), slot, slot + 3,
                finalized ? OptionalLong.of(slot + 40) : OptionalLong.empty(), Fixture.T0 + slot * 400);
    }

    static byte[] filled(int b) {
        byte[] a = new byte[32];
        Arrays.fill(a, (byte) b);
        return a;
    }

    @Provide
    Arbitrary<ServedValue> values() {
        return Combinators.combine(Arbitraries.longs().between(1, 1_000_000), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 1), Arbitraries.of(true, false), Arbitraries.longs().between(0,
                        1_000_000)).as((seq, keys, leaf, fin, slot) -> served(signed(seq, keys), leaf, fin, slot));
    }

    static void assertSame(ServedValue a, ServedValue b) {
        assertThat(b).usingRecursiveComparison().isEqualTo(a);
    }

    /** EncodedBundle compares by identity: the same bundle is the same hash and bytes, with the same signatures. */
    static void assertSame(SignedBundle a, SignedBundle b) {
        assertThat(b.bundle().bundleHash()).isEqualTo(a.bundle().bundleHash());
        assertThat(b.bundle().bytes()).isEqualTo(a.bundle().bytes());
        assertThat(b.signatures()).isEqualTo(a.signatures());
    }

    @Property(tries = 60)
    void servedValuesRoundTrip(@ForAll("values") ServedValue v, @ForAll int bit) {
        assertSame(v, CodecChecks.roundTrip(ServedValueCodec.INSTANCE, v));
        byte[] bytes = ServedValueCodec.INSTANCE.encode(v);
        CodecChecks.truncationsAndTrailingBytesFail(ServedValueCodec.INSTANCE, bytes);
        CodecChecks.flippedBitFailsCleanly(ServedValueCodec.INSTANCE, bytes, bit);
    }

    @Property(tries = 500)
    void arbitraryBytesAreRefusedCleanly(@ForAll byte[] bytes) {
        CodecChecks.arbitraryBytesFailCleanly(ServedValueCodec.INSTANCE, bytes);
    }

    @Example
    void servedValueGolden() {
        ServedValue v = served(signed(7, 1), 0, true, 12);
        assertSame(v, CodecChecks.golden(ServedValueCodec.INSTANCE, v, GOLDEN_SERVED));
    }

    static final String GOLDEN_SERVED =
            "001043525950544f5f4254435f55505f314d000000780100100043525950544f5f4254435f55505f314dc06dc1010000"
            + "00000100000000a8da769b0100006092db769b01000002000400444f574ec053421840bda91740eada18020055504076"
            + "5823c0dfbf22c00cf1231c25b0040000000011006c6f67706f6f6c2d6469726963686c65740500312e302e3000000000"
            + "00780100100043525950544f5f4254435f55505f314dc06dc101000000000100000000a8da769b0100006092db769b01"
            + "000002000400444f574ec053421840bda91740eada180200555040765823c0dfbf22c00cf1231c25b004000000001100"
            + "6c6f67706f6f6c2d6469726963686c65740500312e302e300000000000260100010000000700000000000000d0afda76"
            + "9b01000058c3da769b01000058c3da769b010000000000000000000200000001612d1d8b51abd8af611aae5d90ba2d63"
            + "8168de530e9126943233aa69d22928819478b40d3ef93286d4bbd46a21b2dfac40ff193f06b29d6b3457c2d180ed4a7a"
            + "0000000000000001000000000000000700000002000000018a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121b"
            + "f3748801b40f6f5c067b99ca26ac0494b7c07df62bcf6076e22935e84d3e61283eb16a8fc1ce7a8db89429286a5bd9c3"
            + "6b78289405b580ddf325eaad6323bfbbb6b0d34d510a5407023333333333333333333333333333333333333333333333"
            + "333333333333333333000000000000000c000000000000000f0100000000000000340000019b76dabac0";
}
