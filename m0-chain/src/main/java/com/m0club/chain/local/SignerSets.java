package com.m0club.chain.local;

import com.m0club.chain.LedgerRejection;
import com.m0club.chain.LedgerRejection.Reason;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger's signer sets: the registered content (never edited), the status the ledger gives each set, and the
 * last accepted sequence per set. At most one set is ACTIVE once any set has been activated: activating a set
 * retires the one before it, which is how docs/protocol.md's "the old set stays valid until the new one activates" reads
 * on chain. Not thread-safe; the ledger's lock guards it.
 */
final class SignerSets {
    private static final class Entry {
        final SignerSet content;
        SignerSetStatus status;
        long lastSequence;

        Entry(SignerSet content) {
            this.content = content;
            this.status = content.status();
        }
    }

    private final Map<Long, Entry> byId = new HashMap<>();

    /**
     * Checks a registration: false when the same content is already registered (a no-op), true when it is new.
     *
     * @param requireQuorum when true, a threshold below 2 is refused (every environment but dev)
     */
    boolean checkRegister(SignerSet set, boolean requireQuorum) {
        Entry existing = byId.get(set.id());
        if (existing != null) {
            SignerSet c = existing.content;
            if (c.threshold() == set.threshold() && c.keys().equals(set.keys())
                    && c.activationMs() == set.activationMs()) {
                return false;
            }
            throw new LedgerRejection(Reason.SIGNER_SET_CONFLICT, "signer set " + set.id()
                    + " is already registered with threshold " + c.threshold() + ", " + c.keys().size()
                    + " keys and activation_ms " + c.activationMs() + "; sets are never edited: rotate to a new id");
        }
        if (requireQuorum && set.threshold() < 2) {
            throw new LedgerRejection(Reason.MALFORMED, "signer_set.threshold of set " + set.id()
                    + " must be >= 2 (m-of-n with m >= 2 outside the dev profile), got " + set.threshold());
        }
        return true;
    }

    void applyRegister(SignerSet set) {
        Entry e = new Entry(set);
        byId.put(set.id(), e);
        if (e.status == SignerSetStatus.ACTIVE) {
            retireAllBut(set.id());
        }
    }

    /** False when the set is already ACTIVE (a no-op). */
    boolean checkActivate(long id) {
        Entry e = byId.get(id);
        if (e == null) {
            throw new LedgerRejection(Reason.UNKNOWN_SIGNER_SET, "signer set " + id + " is not registered");
        }
        return switch (e.status) {
            case ACTIVE -> false;
            case PENDING -> true;
            case RETIRED -> throw new LedgerRejection(Reason.SIGNER_SET_CONFLICT, "signer set " + id
                    + " is RETIRED and never comes back; rotate to a new set id");
        };
    }

    void applyActivate(long id) {
        byId.get(id).status = SignerSetStatus.ACTIVE;
        retireAllBut(id);
    }

    private void retireAllBut(long id) {
        for (Map.Entry<Long, Entry> other : byId.entrySet()) {
            if (other.getKey() != id && other.getValue().status == SignerSetStatus.ACTIVE) {
                other.getValue().status = SignerSetStatus.RETIRED;
            }
        }
    }

    /** The set's registered content, if it may sign now; otherwise the rejection that says why not. */
    SignerSet requireActive(long id, String context) {
        Entry e = byId.get(id);
        if (e == null) {
            throw new LedgerRejection(Reason.UNKNOWN_SIGNER_SET,
                    context + ": signer set " + id + " is not registered on the ledger");
        }
        if (e.status != SignerSetStatus.ACTIVE) {
            throw new LedgerRejection(Reason.SIGNER_SET_NOT_ACTIVE, context + ": signer set " + id + " is " + e.status
                    + (e.status == SignerSetStatus.PENDING ? " (not activated yet)"
                            : " (a newer set is active)") + "; only the ACTIVE set may commit and reveal");
        }
        return e.content;
    }

    /** The set as the ledger sees it: registered content with the ledger's current status. */
    Optional<SignerSet> get(long id) {
        Entry e = byId.get(id);
        if (e == null) {
            return Optional.empty();
        }
        SignerSet c = e.content;
        return Optional.of(new SignerSet(c.id(), c.threshold(), c.keys(), e.status, c.activationMs()));
    }

    long lastSequence(long id) {
        Entry e = byId.get(id);
        return e == null ? 0 : e.lastSequence;
    }

    void advance(long id, long sequence) {
        byId.get(id).lastSequence = sequence;
    }

    /** Snapshot encoding: sets by id, each with its registered content, ledger status and last sequence. */
    void encode(java.io.DataOutputStream out) throws java.io.IOException {
        java.util.List<Long> ids = new java.util.ArrayList<>(byId.keySet());
        java.util.Collections.sort(ids);
        out.writeInt(ids.size());
        for (long id : ids) {
            Entry e = byId.get(id);
            JournalCodec.writeSignerSet(out, e.content);
            JournalCodec.writeString(out, e.status.name());
            out.writeLong(e.lastSequence);
        }
    }

    /** Reads what {@link #encode} wrote into this (empty) registry. */
    void decode(java.io.DataInputStream in) throws java.io.IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            Entry e = new Entry(JournalCodec.readSignerSet(in));
            e.status = SignerSetStatus.valueOf(JournalCodec.readString(in));
            e.lastSequence = in.readLong();
            byId.put(e.content.id(), e);
        }
    }
}
