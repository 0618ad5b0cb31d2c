package com.m0club.chain;

import java.util.Objects;

/**
 * What a reveal carried, as anyone indexing the ledger can read it back: the signed bundle bytes (bundle and
 * signatures, canonical) and the salt that opened the commitment. With the signer set this is enough to re-verify
 * everything the ledger checked.
 */
public record RevealedBundle(RevealReceipt receipt, byte[] signedBundleBytes, byte[] salt) {
    public RevealedBundle {
        Objects.requireNonNull(receipt, "receipt");
        signedBundleBytes = signedBundleBytes.clone();
        salt = salt.clone();
    }

    @Override
    public byte[] signedBundleBytes() {
        return signedBundleBytes.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }
}
