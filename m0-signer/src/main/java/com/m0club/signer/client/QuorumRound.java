package com.m0club.signer.client;

import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.bundle.SignedBundle;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSignature;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The collection of signatures for one bundle: agents' outcomes arrive in any order from their own threads; the round
 * completes with a {@link SignedBundle} as soon as m distinct valid keys are in, and fails as soon as m is out of
 * reach (valid + still pending < m) or the deadline passes. Decisions are taken under the round's lock; the
 * future is completed on the {@code completer} executor, never on an agent request thread (those are interrupted
 * once the round is decided) nor on the deadline timer, so the caller's continuations run on a clean thread.
 */
final class QuorumRound {
    private final EncodedBundle bundle;
    private final SignerSet set;
    private final List<URI> endpoints;
    private final AgentOutcome[] outcomes;
    private final Map<SignerKey, SignerSignature> valid = new LinkedHashMap<>();
    private final CompletableFuture<SignedBundle> result = new CompletableFuture<>();
    private final Executor completer;
    private int pending;
    private boolean decided;

    QuorumRound(EncodedBundle bundle, SignerSet set, List<URI> endpoints, Executor completer) {
        this.completer = completer;
        this.bundle = bundle;
        this.set = set;
        this.endpoints = List.copyOf(endpoints);
        this.outcomes = new AgentOutcome[endpoints.size()];
        this.pending = endpoints.size();
    }

    CompletableFuture<SignedBundle> result() {
        return result;
    }

    /**
     * Records agent {@code index}'s outcome and decides the round if it can be decided.
     *
     * @return the outcome as finally classified (a second signature by an already counted key becomes
     *     {@link AgentOutcome.Result#DUPLICATE_KEY})
     */
    AgentOutcome record(int index, AgentOutcome outcome) {
        SignedBundle success = null;
        QuorumException failure = null;
        AgentOutcome classified = outcome;
        synchronized (this) {
            if (outcomes[index] != null) {
                return outcomes[index];
            }
            pending--;
            decided |= result.isDone(); // cancelled by the caller
            if (!decided && outcome.signature().isPresent()) {
                SignerSignature sig = outcome.signature().get();
                if (valid.containsKey(sig.key())) {
                    classified = outcome.as(AgentOutcome.Result.DUPLICATE_KEY,
                            "key " + sig.key().toHex() + " was already counted from another agent");
                } else {
                    valid.put(sig.key(), sig);
                }
            }
            outcomes[index] = classified;
            if (!decided) {
                if (valid.size() >= set.threshold()) {
                    success = SignedBundle.of(bundle, new ArrayList<>(valid.values()));
                    decided = true;
                } else if (valid.size() + pending < set.threshold()) {
                    failure = failure(QuorumException.Kind.QUORUM_IMPOSSIBLE,
                            "still pending when the quorum became impossible; cancelled");
                    decided = true;
                }
            }
        }
        if (success != null) {
            SignedBundle s = success;
            completeOnCompleter(() -> result.complete(s));
        } else if (failure != null) {
            QuorumException f = failure;
            completeOnCompleter(() -> result.completeExceptionally(f));
        }
        return classified;
    }

    /** The deadline passed: fails the round if it is still open. */
    void expire() {
        QuorumException failure;
        synchronized (this) {
            if (decided || result.isDone()) {
                return;
            }
            decided = true;
            failure = failure(QuorumException.Kind.DEADLINE_EXCEEDED, "no answer before the deadline");
        }
        completeOnCompleter(() -> result.completeExceptionally(failure));
    }

    private void completeOnCompleter(Runnable completion) {
        try {
            completer.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run(); // the client is closing: complete here rather than never
        }
    }

    private QuorumException failure(QuorumException.Kind kind, String pendingMessage) {
        List<AgentOutcome> report = new ArrayList<>(outcomes.length);
        for (int i = 0; i < outcomes.length; i++) {
            report.add(outcomes[i] != null ? outcomes[i]
                    : AgentOutcome.of(endpoints.get(i), AgentOutcome.Result.NO_ANSWER, pendingMessage));
        }
        return new QuorumException(kind, set.id(), bundle.header().sequence(), bundle.bundleHash(), set.threshold(),
                valid.size(), report);
    }
}
