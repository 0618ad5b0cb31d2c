package com.m0club.signer.agent;

import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSignature;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.signer.BundleSummary;
import com.m0club.signer.RefusalReason;
import com.m0club.signer.guard.GuardDecision;
import com.m0club.signer.guard.ReplayGuard;
import com.m0club.signer.guard.ReplayGuardException;
import com.m0club.signer.keystore.AgentKey;
import com.m0club.signer.policy.MarketDirectory;
import com.m0club.signer.policy.PolicyDecision;
import com.m0club.signer.policy.SignPolicy;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * One signer: one key, the checks it makes itself ({@link SignPolicy}), and its durable memory of what it signed
 * ({@link ReplayGuard}). Pure logic without transport: {@link SignerAgentServer} puts it on HTTP.
 *
 * <p>Order matters: the bundle is checked first, then the guard records (and fsyncs) the (set, sequence, hash), and
 * only then is the digest signed, so a signature never exists that a restarted agent would not remember.
 *
 * <p>Owns its replay guard (opened from the state dir by the builder); {@link #close} closes it.
 */
public final class SignerAgent implements AutoCloseable {
    private final AgentKey key;
    private final SignPolicy policy;
    private final ReplayGuard guard;

    private SignerAgent(AgentKey key, SignPolicy policy, ReplayGuard guard) {
        this.key = key;
        this.policy = policy;
        this.guard = guard;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks {@code bundleBytes} and signs them if every check and the replay guard allow it. */
    public SignResult sign(byte[] bundleBytes) {
        PolicyDecision decision = policy.check(bundleBytes);
        if (decision instanceof PolicyDecision.Refused r) {
            return new SignResult.Refused(r.reason(), r.message(), r.summary());
        }
        EncodedBundle bundle = ((PolicyDecision.Accepted) decision).bundle();
        BundleSummary summary = BundleSummary.of(bundle);
        GuardDecision guarded;
        try {
            guarded = guard.authorize(summary.signerSetId(), summary.sequence(), summary.bundleHash());
        } catch (ReplayGuardException e) {
            return new SignResult.Refused(RefusalReason.GUARD_UNAVAILABLE, e.getMessage(), Optional.of(summary));
        }
        return switch (guarded) {
            case GuardDecision.Refused r -> new SignResult.Refused(r.reason(), r.message(), Optional.of(summary));
            case GuardDecision.Authorized a -> new SignResult.Signed(
                    SignerSignature.of(key.publicKey(), key.sign(bundle.signedMessage())), summary, a.repeat());
        };
    }

    public SignerKey publicKey() {
        return key.publicKey();
    }

    public SignerSet signerSet() {
        return policy.signerSet();
    }

    public ReplayGuard guard() {
        return guard;
    }

    @Override
    public void close() {
        guard.close();
    }

    @Override
    public String toString() {
        return "SignerAgent[key=" + key.publicKey().toHex() + ", set=" + policy.signerSet().id() + "]";
    }

    /** Wiring for one agent. Every option is required except the retention. */
    public static final class Builder {
        private AgentKey key;
        private SignerSet signerSet;
        private MarketDirectory markets;
        private InstantSource clock;
        private Path stateDir;
        private int retainedSequences = ReplayGuard.DEFAULT_RETAINED;
        private long maxClockSkewMs = SignPolicy.DEFAULT_MAX_CLOCK_SKEW_MS;
        private long maxSequenceGap = ReplayGuard.DEFAULT_MAX_SEQUENCE_GAP;
        private Path signedMarker;

        private Builder() {}

        public Builder key(SigningKey key) {
            this.key = AgentKey.of(Objects.requireNonNull(key, "key"));
            return this;
        }

        /** A key from a key file or a PKCS#11 token; the agent does not close it (its owner does). */
        public Builder key(AgentKey key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        public Builder signerSet(SignerSet signerSet) {
            this.signerSet = Objects.requireNonNull(signerSet, "signerSet");
            return this;
        }

        public Builder markets(MarketDirectory markets) {
            this.markets = Objects.requireNonNull(markets, "markets");
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The agent's own state dir; the replay journal lives here. Never shared between agents. */
        public Builder stateDir(Path stateDir) {
            this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
            return this;
        }

        /**
         * The key's file: the "this key has signed" marker ({@code <key file>.signed}) is kept beside it, so a lost
         * or emptied journal refuses to start. Every production agent sets it (or {@link #signedMarkerFile}).
         */
        public Builder keyFile(Path keyFile) {
            this.signedMarker = signedMarker(Objects.requireNonNull(keyFile, "keyFile"));
            return this;
        }

        /**
         * The "this key has signed" marker file itself, for a key without a writable file beside it (a PKCS#11
         * key, a read-only key mount): it must not live in the state dir, or losing the dir loses it too.
         */
        public Builder signedMarkerFile(Path marker) {
            this.signedMarker = Objects.requireNonNull(marker, "marker");
            return this;
        }

        /** How far produced_at_ms may be from the agent's clock, either way (default 30 s). */
        public Builder maxClockSkewMs(long maxClockSkewMs) {
            this.maxClockSkewMs = maxClockSkewMs;
            return this;
        }

        /** Refuse a sequence more than this above the high-water mark (default 1000). */
        public Builder maxSequenceGap(long maxSequenceGap) {
            this.maxSequenceGap = maxSequenceGap;
            return this;
        }

        public Builder retainedSequences(int retainedSequences) {
            this.retainedSequences = retainedSequences;
            return this;
        }

        /** Opens the replay guard and builds the agent. */
        public SignerAgent build() {
            require(key, "key");
            require(signerSet, "signerSet");
            require(markets, "markets");
            require(clock, "clock");
            require(stateDir, "stateDir");
            SignPolicy policy = new SignPolicy(signerSet, key.publicKey(), markets, clock, maxClockSkewMs);
            ReplayGuard guard = ReplayGuard.builder(stateDir).retainedSequences(retainedSequences)
                    .maxSequenceGap(maxSequenceGap).publicKey(key.publicKey().toByteArray())
                    .signedMarker(signedMarker).open();
            return new SignerAgent(key, policy, guard);
        }

        /** Where the "this key has signed" marker of {@code keyFile} lives. */
        public static Path signedMarker(Path keyFile) {
            return keyFile.resolveSibling(keyFile.getFileName() + ReplayGuard.SIGNED_MARKER_SUFFIX);
        }

        private static void require(Object value, String name) {
            if (value == null) {
                throw new IllegalStateException("signer agent: " + name + " is required");
            }
        }
    }
}
