package com.m0club.protocol;

/**
 * Why a protocol value was refused. The names are stable: they appear in {@code docs/protocol-vectors.json}
 * (the {@code reject} vectors) and in API error bodies, so another implementation can match on them.
 */
public enum ErrorCode {
    /** A field does not match its syntax rule (identifier pattern, string charset, length). */
    INVALID_FORMAT,
    /** A number lies outside its declared range (u16/u32/u64 limits, bps range, S). */
    OUT_OF_RANGE,
    /** A required collection is empty. */
    EMPTY,
    /** The same key appears twice (market, outcome, signer key). */
    DUPLICATE,
    /** Keys are not in canonical (unsigned byte-wise ascending) order. */
    NON_CANONICAL_ORDER,
    /** The probabilities of a distribution do not add up to exactly S. */
    BAD_SUM,
    /** An outcome breaks {@code 0 <= ci_low <= p <= ci_high <= S}. */
    CI_INVARIANT,
    /** A schema version this implementation does not speak. */
    UNSUPPORTED_VERSION,
    /** The input ended before the structure did. */
    TRUNCATED,
    /** Bytes remain after a complete structure. */
    TRAILING_BYTES,
    /** A presence byte other than 0 or 1. */
    BAD_PRESENCE,
    /** Reserved quality-flag bits are set. */
    RESERVED_BITS,
    /** Time fields disagree (window end before start, epoch id not matching the window). */
    INCONSISTENT_WINDOW,
    /** A configuration value breaks a rule (cadence does not divide the window, threshold out of range). */
    INVALID_CONFIG,
    /** A merkle proof is malformed (index out of range, path of the wrong length). */
    INVALID_PROOF,
    /** A floating-point input that is NaN or infinite. */
    NOT_FINITE
}
