package com.m0club.signer.client;

import com.m0club.protocol.sign.SignerSignature;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one agent did with one bundle, as the threshold client saw it. A quorum failure lists one of these per agent.
 *
 * @param reason the agent's error code for refusals and errors (e.g. {@code SEQUENCE_CONFLICT}), else the result name
 * @param signature present only for {@link Result#SIGNED}: a verified signature by a key of the set
 */
public record AgentOutcome(URI endpoint, Result result, OptionalInt httpStatus, String reason, String message,
        Optional<SignerSignature> signature) {

    /** How an agent's answer was classified. Only SIGNED counts toward the quorum. */
    public enum Result {
        /** A valid signature by a key of the set, over this bundle's signed message. */
        SIGNED,
        /** The agent refused the bundle (409 replay refusal or 422 bundle/policy refusal). */
        REFUSED,
        /** Any other non-200 answer (400, 401, 413, 503, 500...). */
        ERROR,
        /** 200, but the signature does not verify over the bundle's signed message. */
        INVALID_SIGNATURE,
        /** 200, but the signing key is not a member of the signer set. */
        KEY_NOT_IN_SET,
        /** 200, but another agent already contributed a signature with the same key. */
        DUPLICATE_KEY,
        /** 200, but the body is not the agreed JSON or describes another bundle. */
        BAD_RESPONSE,
        /** The agent could not be reached (connection refused, reset, DNS). */
        UNREACHABLE,
        /**
         * The TLS handshake failed: the agent's certificate does not chain to the CA or does not name the endpoint's
         * host, or the agent refused this client's certificate.
         */
        TLS_FAILED,
        /** No answer within the per-request timeout. */
        TIMEOUT,
        /** The request was cancelled because the round was already decided. */
        CANCELLED,
        /** Still outstanding when the round was decided (shown in failure reports). */
        NO_ANSWER
    }

    public AgentOutcome {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(httpStatus, "httpStatus");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(signature, "signature");
    }

    static AgentOutcome signed(URI endpoint, SignerSignature signature) {
        return new AgentOutcome(endpoint, Result.SIGNED, OptionalInt.of(200), Result.SIGNED.name(),
                "signature by " + signature.key().toHex() + " verified", Optional.of(signature));
    }

    static AgentOutcome of(URI endpoint, Result result, OptionalInt status, String reason, String message) {
        return new AgentOutcome(endpoint, result, status, reason, message, Optional.empty());
    }

    static AgentOutcome of(URI endpoint, Result result, String message) {
        return of(endpoint, result, OptionalInt.empty(), result.name(), message);
    }

    /** The same agent's outcome reclassified (keeps endpoint and status). */
    AgentOutcome as(Result newResult, String newMessage) {
        return new AgentOutcome(endpoint, newResult, httpStatus, newResult.name(), newMessage, Optional.empty());
    }

    /** One report line: {@code endpoint -> RESULT [status] REASON: message}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(endpoint).append(" -> ").append(result);
        httpStatus.ifPresent(s -> b.append(" [").append(s).append(']'));
        if (!reason.equals(result.name())) {
            b.append(' ').append(reason);
        }
        return b.append(": ").append(message).toString();
    }
}
