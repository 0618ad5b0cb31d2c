package com.m0club.publish.support;

import com.m0club.chain.CommitReceipt;
import com.m0club.chain.CommitRecord;
import com.m0club.chain.EpochRecord;
import com.m0club.chain.EpochRef;
import com.m0club.chain.FinalizeReceipt;
import com.m0club.chain.Ledger;
import com.m0club.chain.LedgerReader;
import com.m0club.chain.LedgerWriter;
import com.m0club.chain.MarketValue;
import com.m0club.chain.RevealReceipt;
import com.m0club.chain.RevealedBundle;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.sign.SignerSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A decorator of the submitter's ledger ports ({@link LedgerWriter}, {@link LedgerReader}) that injects faults into
 * commit and reveal, in the order they were scripted, in front of a real ledger. Everything else passes straight
 * through. Not the ledger's closer: the test closes the real one.
 */
public final class FaultyLedger implements LedgerWriter, LedgerReader {
    /** The calls faults can be injected into. */
    public enum Call {
        COMMIT,
        REVEAL
    }

    /** What goes wrong with one call. */
    public enum Fault {
        /** The request never reaches the ledger; the caller gets an {@link UncheckedIOException}. */
        TRANSPORT,
        /**
         * The ledger applies the call but the response is lost: the caller gets an {@link UncheckedIOException}
         * although the state changed. Armed until a call is accepted (a rejection passes through).
         */
        LOST_RESPONSE,
        /** The submitter process dies before the request is sent ({@link SimulatedCrash}). */
        CRASH_BEFORE,
        /** The ledger applies the call, then the process dies before it hears back. Armed like LOST_RESPONSE. */
        CRASH_AFTER
    }

    /** A process death: an {@link Error}, so no retry loop catches it and the stack unwinds like a kill. */
    public static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String message) {
            super(message);
        }
    }

    private final Ledger delegate;
    private final Map<Call, Deque<Fault>> faults = new EnumMap<>(Call.class);
    private final Map<Call, Integer> attempts = new EnumMap<>(Call.class);
    private final List<Object> lostResponses = new ArrayList<>();

    public FaultyLedger(Ledger delegate) {
        this.delegate = delegate;
        for (Call c : Call.values()) {
            faults.put(c, new ArrayDeque<>());
            attempts.put(c, 0);
        }
    }

    /** Scripts {@code fault} for the next {@code times} calls of {@code call} (after those already scripted). */
    public synchronized FaultyLedger inject(Call call, Fault fault, int times) {
        for (int i = 0; i < times; i++) {
            faults.get(call).addLast(fault);
        }
        return this;
    }

    /** How many times the caller tried {@code call}, faults included. */
    public synchronized int attempts(Call call) {
        return attempts.get(call);
    }

    /** Faults still scripted for {@code call}. */
    public synchronized int armed(Call call) {
        return faults.get(call).size();
    }

    /** Receipts the ledger produced but the caller never saw, in order. */
    public synchronized List<Object> lostResponses() {
        return List.copyOf(lostResponses);
    }

    private synchronized <T> T call(Call call, Supplier<T> real) {
        attempts.merge(call, 1, Integer::sum);
        Deque<Fault> script = faults.get(call);
        Fault fault = script.peekFirst();
        if (fault == Fault.TRANSPORT) {
            script.pollFirst();
            throw new UncheckedIOException("injected: " + call + " request failed",
                    new IOException("connection reset"));
        }
        if (fault == Fault.CRASH_BEFORE) {
            script.pollFirst();
            throw new SimulatedCrash("injected: crash before " + call);
        }
        T result = real.get(); // a rejection passes through and leaves the fault armed
        if (fault == Fault.LOST_RESPONSE) {
            script.pollFirst();
            lostResponses.add(result);
            throw new UncheckedIOException("injected: " + call + " response lost", new IOException("timeout"));
        }
        if (fault == Fault.CRASH_AFTER) {
            script.pollFirst();
            lostResponses.add(result);
            throw new SimulatedCrash("injected: crash after " + call + " landed");
        }
        return result;
    }

    @Override
    public CommitReceipt commit(Hash32 commitHash, long signerSetId, long sequence) {
        return call(Call.COMMIT, () -> delegate.commit(commitHash, signerSetId, sequence));
    }

    @Override
    public RevealReceipt reveal(byte[] signedBundleBytes, byte[] salt) {
        return call(Call.REVEAL, () -> delegate.reveal(signedBundleBytes, salt));
    }

    // ------------------------------------------------------------------ pass-through

    @Override
    public FinalizeReceipt finalizeEpoch(MarketId market, long epochId) {
        return delegate.finalizeEpoch(market, epochId);
    }

    @Override
    public List<EpochRef> dueForFinalization() {
        return delegate.dueForFinalization();
    }

    @Override
    public long currentSlot() {
        return delegate.currentSlot();
    }

    @Override
    public long nowMs() {
        return delegate.nowMs();
    }

    @Override
    public Optional<SignerSet> signerSet(long signerSetId) {
        return delegate.signerSet(signerSetId);
    }

    @Override
    public long lastSequence(long signerSetId) {
        return delegate.lastSequence(signerSetId);
    }

    @Override
    public Optional<Market> market(MarketId market) {
        return delegate.market(market);
    }

    @Override
    public Optional<CommitRecord> commitment(Hash32 commitHash) {
        return delegate.commitment(commitHash);
    }

    @Override
    public Optional<RevealedBundle> revealedBundle(Hash32 bundleHash) {
        return delegate.revealedBundle(bundleHash);
    }

    @Override
    public Optional<EpochRecord> epoch(MarketId market, long epochId) {
        return delegate.epoch(market, epochId);
    }

    @Override
    public Optional<MarketValue> latest(MarketId market) {
        return delegate.latest(market);
    }

}
