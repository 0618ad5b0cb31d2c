package com.m0club.api.verify;

/** The independent checks of an offline verification, in the order they are reported. */
public enum Check {
    /** Both documents could be fetched (only reported when one could not). */
    FETCH("fetch", "the latest value and the signer set could be fetched"),
    /** {@code item_hex} decodes strictly and says what the response serves. */
    ITEM("item", "item_hex decodes strictly and matches the served value"),
    /** {@code header_hex} decodes strictly and names the served signer set and sequence. */
    HEADER("header", "header_hex decodes and names the served signer set and sequence"),
    /** The merkle path leads from the item's leaf to {@code bundle_hash}. */
    INCLUSION("inclusion", "the merkle path leads from the item to bundle_hash"),
    /** At least m valid signatures from distinct keys of the signer set over the signed message. */
    SIGNATURES("signatures", "at least threshold valid signatures from distinct keys of the signer set"),
    /** The threshold the proof claims is the signer set's. */
    THRESHOLD("threshold", "the proof's threshold equals the signer set's");

    private final String label;
    private final String description;

    Check(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Short lower-case name, as printed by {@code m0 verify}. */
    public String label() {
        return label;
    }

    /** What passing this check means, in words. */
    public String description() {
        return description;
    }
}
