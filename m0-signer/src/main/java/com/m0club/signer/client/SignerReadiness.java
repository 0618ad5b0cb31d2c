package com.m0club.signer.client;

import com.m0club.protocol.sign.SignerKey;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a signer quorum is reachable right now (the bundler's "signer quorum" readiness check): how many agents
 * answer {@code GET /v1/key} with a distinct key of the set, against the threshold.
 */
public record SignerReadiness(long signerSetId, int threshold, int answering, List<AgentStatus> agents) {
    public SignerReadiness {
        agents = List.copyOf(agents);
    }

    /** True when at least {@code threshold} agents answer with distinct keys of the set. */
    public boolean ready() {
        return answering >= threshold;
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
        return answering + "/" + agents.size() + " signer agents answering for set " + signerSetId + ", threshold "
                + threshold;
    }
}
