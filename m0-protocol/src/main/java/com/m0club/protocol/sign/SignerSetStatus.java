package com.m0club.protocol.sign;

/** Lifecycle of a signer set. Sets are never edited; rotation creates a new set and retires the old one. */
public enum SignerSetStatus {
    PENDING,
    ACTIVE,
    RETIRED
}
