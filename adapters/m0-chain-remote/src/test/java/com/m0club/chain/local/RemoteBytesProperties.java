package com.m0club.chain.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.chain.CommitReceipt;
import com.m0club.chain.RevealReceipt;
import com.m0club.chain.RevealedBundle;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.hash.Hash32;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Over the wire, the bytes a reveal carries come back exactly: for any salt and any bundle (markets, production
 * time), the commitment made with the salt opens, and {@code revealedBundle} returns the signed bundle bytes and the
 * salt byte for byte, with the receipt the reveal returned.
 */
class RemoteBytesProperties {
    private Path dir;
    private Harness h;
    private long sequence;

    @BeforeProperty
    void open() throws IOException {
        dir = Files.createTempDirectory("m0-remote-bytes");
        h = new Harness(dir, new ServedFront());
    }

    @AfterProperty
    void close() throws IOException {
        h.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 40)
    void aRevealedBundleComesBackByteForByte(@ForAll @Size(32) byte[] salt,
            @ForAll @IntRange(min = 0, max = 2) int markets, @ForAll @IntRange(min = 0, max = 4_000) int earlierMs) {
        h.clock.advance(5_000);
        long now = h.clock.millis();
        List<BundleItem> items = switch (markets) {
            case 0 -> List.of(Fixture.item(Fixture.nba(), now));
            case 1 -> List.of(Fixture.item(Fixture.btc(), now));
            default -> List.of(Fixture.item(Fixture.nba(), now), Fixture.item(Fixture.btc(), now));
        };
        EncodedBundle bundle = Fixture.bundle(1, ++sequence, now - earlierMs, items);
        byte[] signed = Fixture.sign(bundle, Fixture.K2, Fixture.K3);
        Hash32 commitHash = Fixture.commitHash(bundle, salt);

        CommitReceipt commit = h.ledger.commit(commitHash, 1, sequence);
        h.clock.advance(SlotClock.SLOT_MS);
        RevealReceipt reveal = h.ledger.reveal(signed, salt);

        RevealedBundle back = h.ledger.revealedBundle(bundle.bundleHash()).orElseThrow();
        assertThat(back.signedBundleBytes()).isEqualTo(signed);
        assertThat(back.salt()).isEqualTo(salt);
        assertThat(back.receipt()).isEqualTo(reveal);
        assertThat(h.ledger.commitment(commitHash).orElseThrow().commit()).isEqualTo(commit);
        assertThat(h.local.revealedBundle(bundle.bundleHash()).orElseThrow().signedBundleBytes()).isEqualTo(signed);
    }
}
