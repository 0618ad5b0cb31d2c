package com.m0club.eventlog.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.eventlog.RecordCodec;
import com.m0club.eventlog.RecordFormatException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The {@link RecordCodec} contract as assertions, for every codec's tests (this module's test-jar): lossless and
 * deterministic on a valid record, every strict prefix refused with a {@link RecordFormatException}, and arbitrary
 * bytes either refused the same way or decoded to a record that encodes back to exactly those bytes.
 */
public final class CodecChecks {
    private CodecChecks() {}

    /**
     * Encodes {@code record}, decodes it, and checks the copy encodes to the same bytes; returns the copy for the
     * caller's own equality check (records with byte arrays compare them by content).
     */
    public static <T> T roundTrip(RecordCodec<T> codec, T record) {
        byte[] bytes = codec.encode(record);
        assertThat(codec.encode(record)).as("deterministic").isEqualTo(bytes);
        T copy = codec.decode(bytes);
        assertThat(codec.encode(copy)).as("the decoded copy encodes to the same bytes").isEqualTo(bytes);
        return copy;
    }

    /** Every strict prefix of a valid encoding fails with a RecordFormatException, as does one byte more. */
    public static void truncationsAndTrailingBytesFail(RecordCodec<?> codec, byte[] bytes) {
        for (int n = 0; n < bytes.length; n++) {
            byte[] prefix = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> codec.decode(prefix)).as("prefix of %d of %d bytes", n, bytes.length)
                    .isInstanceOf(RecordFormatException.class);
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> codec.decode(longer)).isInstanceOf(RecordFormatException.class)
                .hasMessageMatching("(?is).*trailing.*");
    }

    /** Arbitrary bytes are refused with a RecordFormatException, or decode to a record that encodes back to them. */
    public static <T> void arbitraryBytesFailCleanly(RecordCodec<T> codec, byte[] bytes) {
        T decoded;
        try {
            decoded = codec.decode(bytes);
        } catch (RecordFormatException expected) {
            assertThat(expected.getMessage()).contains("field ");
            return;
        }
        assertThat(codec.encode(decoded)).as("bytes that decode are canonical").isEqualTo(bytes);
    }

    /** Flips one bit of a valid encoding: the result is refused cleanly or is another canonical record. */
    public static <T> void flippedBitFailsCleanly(RecordCodec<T> codec, byte[] bytes, int bit) {
        if (bytes.length == 0) {
            return;
        }
        byte[] flipped = bytes.clone();
        int b = Math.floorMod(bit, bytes.length * 8);
        flipped[b / 8] ^= (byte) (1 << (b % 8));
        arbitraryBytesFailCleanly(codec, flipped);
    }

    /** The golden vector: the record's encoding is {@code hex}, and decoding it gives the record back. */
    public static <T> T golden(RecordCodec<T> codec, T record, String hex) {
        byte[] expected = HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
        assertThat(HexFormat.of().formatHex(codec.encode(record))).as("encoding (a format change must be deliberate:"
                + " bump the topic's schema version)").isEqualTo(HexFormat.of().formatHex(expected));
        return codec.decode(expected);
    }
}
