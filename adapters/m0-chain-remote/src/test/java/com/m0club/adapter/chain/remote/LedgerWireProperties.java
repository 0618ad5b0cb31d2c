package com.m0club.adapter.chain.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.chain.RevealReceipt;
import com.m0club.chain.RevealedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * The byte fields of the wire format (signed bundle bytes, salts, hashes) round-trip exactly, whatever the bytes, and
 * the encoding of a record is always the same bytes.
 */
class LedgerWireProperties {
    private static final RevealReceipt RECEIPT = new RevealReceipt(Hash32.of(new byte[32]),
            Hash32.of(filled(32, 7)), 1, 2, 3, 4, "local-5", List.of(new RevealReceipt.Item(MarketId.of("CRYPTO_BTC"),
                    6, 7, 0)));

    @Property(tries = 300)
    void aRevealRequestCarriesAnyBytesExactly(@ForAll @Size(max = 4096) byte[] signed,
            @ForAll @Size(max = 64) byte[] salt) {
        byte[] wire = LedgerWire.bytes(LedgerWire.revealRequest(signed, salt));
        LedgerWire.Fields back = LedgerWire.parse(wire, "reveal request");
        assertThat(back.bytes("signed_bundle")).isEqualTo(signed);
        assertThat(back.bytes("salt")).isEqualTo(salt);
        assertThat(LedgerWire.bytes(LedgerWire.revealRequest(signed, salt))).isEqualTo(wire);
    }

    @Property(tries = 300)
    void aRevealedBundleCarriesAnyBytesAndHashesExactly(@ForAll @Size(max = 4096) byte[] signed,
            @ForAll @Size(32) byte[] salt, @ForAll @Size(32) byte[] bundleHash) {
        RevealReceipt receipt = new RevealReceipt(Hash32.of(bundleHash), RECEIPT.commitHash(), 1, 2, 3, 4, "local-5",
                RECEIPT.items());
        byte[] wire = LedgerWire.bytes(LedgerWire.revealedBundle(new RevealedBundle(receipt, signed, salt)));
        RevealedBundle back = LedgerWire.revealedBundle(LedgerWire.parse(wire, "revealed bundle"));
        assertThat(back.signedBundleBytes()).isEqualTo(signed);
        assertThat(back.salt()).isEqualTo(salt);
        assertThat(back.receipt()).isEqualTo(receipt);
        assertThat(back.receipt().bundleHash().toByteArray()).isEqualTo(bundleHash);
    }

    @Example
    void nonCanonicalBytesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> LedgerWire.parse("{\"signed_bundle\":\"AA\",\"salt\":\"\"}".getBytes(), "x")
                .bytes("signed_bundle")).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("signed_bundle: must be canonical");
        assertThatThrownBy(() -> LedgerWire.parse("{\"salt\":\"A A=\"}".getBytes(), "x").bytes("salt"))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("salt: must be standard base64");
        assertThatThrownBy(() -> LedgerWire.commitRecord(LedgerWire.parse(("{\"commit\":{\"commit_hash\":\""
                + "F".repeat(64) + "\"},\"reveal\":null}").getBytes(), "x")))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("commit.commit_hash: must be 64 lowercase hex characters");
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
