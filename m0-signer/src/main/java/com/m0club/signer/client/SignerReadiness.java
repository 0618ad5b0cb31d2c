package com.m0club.signer.client;

import com.m0club.protocol.sign.SignerKey;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a signer quorum is available right now (the bundler's "signer quorum" readiness check): how many agents
 * answer {@code GET /v1/key} with a distinct key of the set, against the threshold, and whether the latest signing
 * rounds reached quorum ({@code consecutiveQuorumFailures}: rounds that failed since the last one that succeeded).
 * Reachable agents that refuse to sign (a sequence jump, a damaged journal) are not a quorum.
 */
public record SignerReadiness(long signerSetId, int threshold, int answering, List<AgentStatus> agents,
        long consecutiveQuorumFailures, Optional<String> lastQuorumFailure) {
    public SignerReadiness {
        agents = List.copyOf(agents);
        Objects.requireNonNull(lastQuorumFailure, "lastQuorumFailure");
    }

    /** Reachability only (no signing round seen). */
    public SignerReadiness(long signerSetId, int threshold, int answering, List<AgentStatus> agents) {
        this(signerSetId, threshold, answering, agents, 0, Optional.empty());
    }

    /**
     * True when at least {@code threshold} agents answer with distinct keys of the set and the latest signing round
     * (if any) reached quorum.
     */
    public boolean ready() {
        return answering >= threshold && consecutiveQuorumFailures == 0;
    }

    /** One agent's answer: its key when it answered as a member of the set, else why not. */
    public record AgentStatus(URI endpoint, Optional<SignerKey> key, String detail) {
        public AgentStatus {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(detail, "detail");
        }

        public boolean answering() {
            return key.isPresent();
        }
    }

    /** A one-line summary for a readiness endpoint: {@code 2/3 agents answering, threshold 2}. */
    public String describe() {
        String s = answering + "/" + agents.size() + " signer agents answering for set " + signerSetId + ", threshold "
                + threshold;
        if (consecutiveQuorumFailures > 0) {
            s += "; the last " + consecutiveQuorumFailures + " signing round(s) did not reach quorum"
                    + lastQuorumFailure.map(f -> " (" + (f.length() > 300 ? f.substring(0, 300) + "..." : f) + ")")
                            .orElse("");
        }
        return s;
    }
}
