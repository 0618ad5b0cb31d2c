package com.m0club.view;

import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.MerkleProof;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.sign.SignerSignature;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * One market's latest value as revealed on the ledger, with everything an independent verifier needs: the canonical
 * item and header bytes, the merkle path to the bundle hash, the signatures, and where the ledger recorded it.
 * Byte arrays are copied in and must not be mutated by readers.
 *
 * @param item the decoded item (its distribution is what the API shows)
 * @param itemBytes canonical item bytes: the merkle leaf preimage
 * @param headerBytes canonical header bytes: part of the bundle hash preimage
 * @param proof merkle inclusion proof of the item
 * @param threshold m of the signer set named in the header
 * @param commitSlot ledger slot of the commitment
 * @param revealSlot ledger slot of the reveal
 * @param finalizedSlot ledger slot at which the item's epoch finalized, when it has
 * @param revealedAtMs ledger time of the reveal, UTC ms
 * @param traceparent the W3C {@code traceparent} of the trace that produced the value (its bundle's, or the span
 *     that announced it), when tracing was on: metadata for operators, never part of any hashed or signed bytes
 */
public record ServedValue(
        MarketId marketId,
        BundleItem item,
        byte[] itemBytes,
        byte[] headerBytes,
        MerkleProof proof,
        Hash32 bundleHash,
        long signerSetId,
        long sequence,
        int threshold,
        List<SignerSignature> signatures,
        LedgerStatus ledgerStatus,
        Hash32 commitHash,
        long commitSlot,
        long revealSlot,
        OptionalLong finalizedSlot,
        long revealedAtMs,
        Optional<String> traceparent) {
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");

    public ServedValue {
        itemBytes = itemBytes.clone();
        headerBytes = headerBytes.clone();
        signatures = List.copyOf(signatures);
        Objects.requireNonNull(traceparent, "traceparent");
    }

    /** A value without trace context. */
    public ServedValue(MarketId marketId, BundleItem item, byte[] itemBytes, byte[] headerBytes, MerkleProof proof,
            Hash32 bundleHash, long signerSetId, long sequence, int threshold, List<SignerSignature> signatures,
            LedgerStatus ledgerStatus, Hash32 commitHash, long commitSlot, long revealSlot,
            OptionalLong finalizedSlot, long revealedAtMs) {
        this(marketId, item, itemBytes, headerBytes, proof, bundleHash, signerSetId, sequence, threshold, signatures,
                ledgerStatus, commitHash, commitSlot, revealSlot, finalizedSlot, revealedAtMs, Optional.empty());
    }

    /** This value with {@code traceparent} as its trace context (the rest unchanged). */
    public ServedValue withTraceparent(Optional<String> traceparent) {
        return new ServedValue(marketId, item, itemBytes, headerBytes, proof, bundleHash, signerSetId, sequence,
                threshold, signatures, ledgerStatus, commitHash, commitSlot, revealSlot, finalizedSlot, revealedAtMs,
                traceparent);
    }

    /** The 32-hex trace id of {@link #traceparent}, when it is well formed (what the API shows as trace_id). */
    public Optional<String> traceId() {
        return traceparent.map(TRACEPARENT::matcher).filter(java.util.regex.Matcher::matches).map(m -> m.group(1))
                .filter(id -> !id.equals("0".repeat(32)));
    }
}
