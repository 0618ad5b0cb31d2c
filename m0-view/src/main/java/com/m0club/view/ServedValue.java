package com.m0club.view;

import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.hash.MerkleProof;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.sign.SignerSignature;
import java.util.List;
import java.util.OptionalLong;

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
        long revealedAtMs) {

    public ServedValue {
        itemBytes = itemBytes.clone();
        headerBytes = headerBytes.clone();
        signatures = List.copyOf(signatures);
    }
}
