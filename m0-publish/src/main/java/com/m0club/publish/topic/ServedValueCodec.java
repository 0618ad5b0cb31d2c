package com.m0club.publish.topic;

import com.m0club.eventlog.RecordCodec;
import com.m0club.eventlog.RecordReader;
import com.m0club.eventlog.RecordWriter;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.MerkleProof;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.view.LedgerStatus;
import com.m0club.view.ServedValue;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@link ServedValue} on {@code m0.published}, schema version {@value PublishTopics#PUBLISHED_VERSION}. Deterministic
 * binary layout ({@link RecordWriter}: big-endian, {@code str} = u16 length || UTF-8, {@code bytes} = i32 length ||
 * bytes, an optional value = {@code bool present} then the value):
 *
 * <pre>
 *   str market_id, bytes item (the item's canonical bytes, docs/protocol.md), bytes item_bytes, bytes header_bytes,
 *   i32 leaf_index, i32 leaf_count, i32 path_length + path_length x [32] sibling,
 *   [32] bundle_hash, i64 signer_set_id, i64 sequence, i32 threshold,
 *   i32 signature_count + per signature (as served): [32] public_key, [64] signature,
 *   u8 ledger_status (1 revealed, 2 finalized), [32] commit_hash, i64 commit_slot, i64 reveal_slot,
 *   optional i64 finalized_slot, i64 revealed_at_ms
 * </pre>
 * The decoded item is carried in its own canonical bytes (not taken from {@code item_bytes}), so the record travels as
 * it is. {@link ServedValue#traceparent()} is not in the payload: it travels beside it, as the record's W3C
 * {@code traceparent} header (the reconciler's {@code publish} span), which the API's consumer puts back.
 */
public final class ServedValueCodec implements RecordCodec<ServedValue> {
    public static final ServedValueCodec INSTANCE = new ServedValueCodec();

    private ServedValueCodec() {}

    @Override
    public byte[] encode(ServedValue v) {
        RecordWriter w = new RecordWriter(1024);
        w.str(v.marketId().value()).bytes(BundleCodec.encodeItem(v.item())).bytes(v.itemBytes())
                .bytes(v.headerBytes());
        MerkleProof proof = v.proof();
        w.i32(proof.leafIndex()).i32(proof.leafCount()).count(proof.path().size());
        proof.path().forEach(h -> w.raw(h.toByteArray()));
        w.raw(v.bundleHash().toByteArray()).i64(v.signerSetId()).i64(v.sequence()).i32(v.threshold())
                .count(v.signatures().size());
        for (SignerSignature s : v.signatures()) {
            w.raw(s.key().toByteArray()).raw(s.signature());
        }
        w.u8(switch (v.ledgerStatus()) {
            case REVEALED -> 1;
            case FINALIZED -> 2;
        });
        w.raw(v.commitHash().toByteArray()).i64(v.commitSlot()).i64(v.revealSlot());
        w.bool(v.finalizedSlot().isPresent());
        v.finalizedSlot().ifPresent(w::i64);
        w.i64(v.revealedAtMs());
        return w.toByteArray();
    }

    @Override
    public ServedValue decode(byte[] bytes) {
        return RecordReader.decode("ServedValue", bytes, r -> {
            var market = MarketId.of(r.str("market_id"));
            var item = BundleCodec.decodeItem(r.bytes("item"));
            byte[] itemBytes = r.bytes("item_bytes");
            byte[] headerBytes = r.bytes("header_bytes");
            int leafIndex = r.i32("proof.leaf_index");
            int leafCount = r.i32("proof.leaf_count");
            int pathLength = r.count("proof.path", Hash32.LENGTH);
            List<Hash32> path = new ArrayList<>(pathLength);
            for (int i = 0; i < pathLength; i++) {
                path.add(Hash32.of(r.raw("proof.path[" + i + "]", Hash32.LENGTH)));
            }
            var proof = new MerkleProof(leafIndex, leafCount, path);
            var bundleHash = Hash32.of(r.raw("bundle_hash", Hash32.LENGTH));
            long signerSetId = r.i64("signer_set_id");
            long sequence = r.i64("sequence");
            int threshold = r.i32("threshold");
            int n = r.count("signatures", SignerKey.LENGTH + SignerSignature.LENGTH);
            List<SignerSignature> signatures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                var key = SignerKey.of(r.raw("signatures[" + i + "].public_key", SignerKey.LENGTH));
                signatures.add(SignerSignature.of(key, r.raw("signatures[" + i + "].signature",
                        SignerSignature.LENGTH)));
            }
            int status = r.u8("ledger_status");
            LedgerStatus ledgerStatus = switch (status) {
                case 1 -> LedgerStatus.REVEALED;
                case 2 -> LedgerStatus.FINALIZED;
                default -> throw r.fail("ledger_status", "unknown ledger status code " + status);
            };
            var commitHash = Hash32.of(r.raw("commit_hash", Hash32.LENGTH));
            long commitSlot = r.i64("commit_slot");
            long revealSlot = r.i64("reveal_slot");
            OptionalLong finalizedSlot = r.bool("finalized_slot.present")
                    ? OptionalLong.of(r.i64("finalized_slot")) : OptionalLong.empty();
            return new ServedValue(market, item, itemBytes, headerBytes, proof, bundleHash, signerSetId, sequence,
                    threshold, signatures, ledgerStatus, commitHash, commitSlot, revealSlot, finalizedSlot,
                    r.i64("revealed_at_ms"));
        });
    }
}
