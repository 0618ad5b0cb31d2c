package com.m0club.signer.client;

import com.m0club.protocol.hash.Hash32;
import java.util.List;

/**
 * The threshold client could not collect m valid signatures for a bundle. The message lists every agent's outcome
 * (endpoint, HTTP status, reason), so the operator sees at once which agents refused, which were down, and why.
 */
public final class QuorumException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why collection stopped. */
    public enum Kind {
        /** Too many agents refused or failed: m valid signatures can no longer be reached. */
        QUORUM_IMPOSSIBLE,
        /** The overall deadline passed before m valid signatures arrived. */
        DEADLINE_EXCEEDED
    }

    private final Kind kind;
    private final long signerSetId;
    private final long sequence;
    private final transient Hash32 bundleHash;
    private final int threshold;
    private final int validCount;
    private final transient List<AgentOutcome> outcomes;

    QuorumException(Kind kind, long signerSetId, long sequence, Hash32 bundleHash, int threshold, int validCount,
            List<AgentOutcome> outcomes) {
        super(message(kind, signerSetId, sequence, bundleHash, threshold, validCount, outcomes));
        this.kind = kind;
        this.signerSetId = signerSetId;
        this.sequence = sequence;
        this.bundleHash = bundleHash;
        this.threshold = threshold;
        this.validCount = validCount;
        this.outcomes = List.copyOf(outcomes);
    }

    private static String message(Kind kind, long set, long seq, Hash32 hash, int threshold, int valid,
            List<AgentOutcome> outcomes) {
        StringBuilder b = new StringBuilder("signer quorum not reached for signer set ").append(set)
                .append(" sequence ").append(seq).append(" bundle ").append(hash.toHex()).append(": ")
                .append(valid).append(" valid signature(s), ").append(threshold).append(" needed (")
                .append(kind == Kind.QUORUM_IMPOSSIBLE ? "too many agents refused or failed"
                        : "deadline passed").append(')');
        for (AgentOutcome o : outcomes) {
            b.append("\n  ").append(o);
        }
        return b.toString();
    }

    public Kind kind() {
        return kind;
    }

    public long signerSetId() {
        return signerSetId;
    }

    public long sequence() {
        return sequence;
    }

    public Hash32 bundleHash() {
        return bundleHash;
    }

    public int threshold() {
        return threshold;
    }

    public int validCount() {
        return validCount;
    }

    /** One outcome per agent endpoint, in the configured endpoint order. */
    public List<AgentOutcome> outcomes() {
        return outcomes;
    }
}
