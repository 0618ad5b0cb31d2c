package com.m0club.signer.policy;

import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.bundle.BundleCodec;
import com.m0club.protocol.bundle.BundleHeader;
import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.registry.ItemRules;
import com.m0club.protocol.registry.ItemViolation;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.time.EpochSchedule;
import com.m0club.signer.BundleSummary;
import com.m0club.signer.RefusalReason;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an agent checks on the bundle bytes before it signs: m-of-n only means m independent checks if each agent
 * decodes and checks the bundle itself instead of trusting the bundler's hash.
 *
 * <ol>
 *   <li>Strict decode ({@link BundleCodec#decode}): canonical bytes only; the bundle hash is recomputed here.</li>
 *   <li>{@code header.signer_set_id} is this agent's set, the set is not RETIRED, and the agent's key is in it.</li>
 *   <li>Every item agrees with the market registry ({@link ItemRules}, the same rules the ledger applies): its market
 *       is known and ACTIVE, its epoch/tick/window lie on the market's {@link EpochSchedule}, and its outcome ids are
 *       exactly the market's outcomes.</li>
 *   <li>Freshness against the agent's own clock: {@code produced_at_ms} at most {@code max_clock_skew_ms} ahead and
 *       at most {@code max_commit_staleness_ms} behind, each the strictest (smallest) over the bundle's markets;
 *       then the agent's own bound, whatever the markets say: {@code produced_at_ms - now <= maxClockSkewMs}
 *       ({@link RefusalReason#PRODUCED_AT_OUTSIDE_SKEW}; the past side is bounded by the staleness above).</li>
 *   <li>Every item's tick {@code [start, end)}, widened by {@code maxClockSkewMs} on each side, contains
 *       {@code produced_at_ms} ({@link RefusalReason#EPOCH_NOT_CURRENT}): no far-future or 1970 epochs.</li>
 * </ol>
 * The first failed check is returned, with a message naming the field or market. Pure: a function of the bytes, the
 * configured set, the directory's answers and the clock.
 */
public final class SignPolicy {
    private final SignerSet signerSet;
    private final SignerKey self;
    private final MarketDirectory markets;
    private final InstantSource clock;
    private final long maxClockSkewMs;

    /** Default agent-wide clock skew: how far {@code produced_at_ms} may be from the agent's clock, either way. */
    public static final long DEFAULT_MAX_CLOCK_SKEW_MS = 30_000;

    public SignPolicy(SignerSet signerSet, SignerKey self, MarketDirectory markets, InstantSource clock) {
        this(signerSet, self, markets, clock, DEFAULT_MAX_CLOCK_SKEW_MS);
    }

    /**
     * @param maxClockSkewMs the agent's own bound on |produced_at_ms - now| (either way), also the slack by which an
     *     item's tick may lie before or after produced_at_ms
     */
    public SignPolicy(SignerSet signerSet, SignerKey self, MarketDirectory markets, InstantSource clock,
            long maxClockSkewMs) {
        if (maxClockSkewMs < 1) {
            throw new IllegalArgumentException("max clock skew must be >= 1 ms, got " + maxClockSkewMs);
        }
        this.maxClockSkewMs = maxClockSkewMs;
        this.signerSet = Objects.requireNonNull(signerSet, "signerSet");
        this.self = Objects.requireNonNull(self, "self");
        this.markets = Objects.requireNonNull(markets, "markets");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public PolicyDecision check(byte[] bundleBytes) {
        EncodedBundle bundle;
        try {
            bundle = BundleCodec.decode(bundleBytes);
        } catch (ProtocolException e) {
            return new PolicyDecision.Refused(RefusalReason.INVALID_BUNDLE,
                    "the body is not a canonical protocol v1 bundle: " + e.getMessage(), Optional.empty());
        }
        Optional<BundleSummary> summary = Optional.of(BundleSummary.of(bundle));
        BundleHeader header = bundle.header();
        if (header.signerSetId() != signerSet.id()) {
            return refuse(RefusalReason.SIGNER_SET_MISMATCH, "header.signer_set_id is " + header.signerSetId()
                    + " but this agent signs for signer set " + signerSet.id(), summary);
        }
        if (signerSet.status() == SignerSetStatus.RETIRED) {
            return refuse(RefusalReason.SIGNER_SET_RETIRED,
                    "signer set " + signerSet.id() + " is RETIRED; this agent signs nothing more for it", summary);
        }
        if (!signerSet.contains(self)) {
            return refuse(RefusalReason.NOT_A_SET_MEMBER, "this agent's key " + self.toHex()
                    + " is not a member of signer set " + signerSet.id() + " (check the agent's configuration)",
                    summary);
        }
        long now = clock.millis();
        long producedAt = header.producedAtMs();
        long maxSkew = Long.MAX_VALUE;
        long maxStaleness = Long.MAX_VALUE;
        List<BundleItem> items = bundle.bundle().items();
        for (int i = 0; i < items.size(); i++) {
            BundleItem item = items.get(i);
            String field = "items[" + i + "]";
            Optional<Market> found = markets.find(item.marketId());
            Optional<ItemViolation> violation = ItemRules.check(item, found);
            if (violation.isPresent()) {
                return refuse(violation.get(), field, item, summary);
            }
            Market market = found.orElseThrow();
            EpochSchedule schedule = market.schedule();
            long tickStart = item.windowStartMs() + item.tick() * schedule.publishCadenceMs();
            long tickEnd = tickStart + schedule.publishCadenceMs();
            if (producedAt < tickStart - maxClockSkewMs || producedAt >= tickEnd + maxClockSkewMs) {
                return refuse(RefusalReason.EPOCH_NOT_CURRENT, field + ": epoch_id=" + item.epochId() + " tick="
                        + item.tick() + " covers [" + tickStart + ", " + tickEnd + ") ms, which (widened by the max "
                        + "clock skew of " + maxClockSkewMs + " ms) does not contain header.produced_at_ms="
                        + producedAt, summary);
            }
            maxSkew = Math.min(maxSkew, market.timing().maxClockSkewMs());
            maxStaleness = Math.min(maxStaleness, market.timing().maxCommitStalenessMs());
        }
        if (producedAt - now > maxSkew) {
            return refuse(RefusalReason.PRODUCED_IN_FUTURE, "header.produced_at_ms=" + producedAt + " is "
                    + (producedAt - now) + " ms ahead of this agent's clock (" + now + "); max_clock_skew_ms is "
                    + maxSkew + " (the strictest over the bundle's markets)", summary);
        }
        if (now - producedAt > maxStaleness) {
            return refuse(RefusalReason.BUNDLE_STALE, "header.produced_at_ms=" + producedAt + " is "
                    + (now - producedAt) + " ms old by this agent's clock (" + now + "); max_commit_staleness_ms is "
                    + maxStaleness + " (the strictest over the bundle's markets)", summary);
        }
        if (producedAt - now > maxClockSkewMs) {
            return refuse(RefusalReason.PRODUCED_AT_OUTSIDE_SKEW, "header.produced_at_ms=" + producedAt + " is "
                    + (producedAt - now) + " ms ahead of this agent's clock (" + now + "); the agent's own max clock "
                    + "skew is " + maxClockSkewMs + " ms (M0_SIGNER_MAX_CLOCK_SKEW_MS)", summary);
        }
        return new PolicyDecision.Accepted(bundle);
    }

    public SignerSet signerSet() {
        return signerSet;
    }

    /** The registry rule an item broke, as this agent's refusal reason and message. */
    private static PolicyDecision refuse(ItemViolation violation, String field, BundleItem item,
            Optional<BundleSummary> summary) {
        return switch (violation) {
            case ItemViolation.UnknownMarket v -> refuse(RefusalReason.UNKNOWN_MARKET, field + ".market_id: market "
                    + v.market() + " is not in this agent's registry", summary);
            case ItemViolation.MarketNotActive v -> refuse(RefusalReason.MARKET_NOT_ACTIVE, field
                    + ".market_id: market " + v.market() + " is " + v.status() + "; only ACTIVE markets are signed",
                    summary);
            case ItemViolation.WindowOffGrid v -> refuse(RefusalReason.WINDOW_INCONSISTENT, field + ": market "
                    + v.market() + " has epoch_window_ms=" + v.schedule().epochWindowMs() + " and "
                    + v.schedule().ticksPerEpoch() + " ticks per epoch, but the item has epoch_id=" + item.epochId()
                    + " tick=" + item.tick() + " window=[" + item.windowStartMs() + ", " + item.windowEndMs() + ")",
                    summary);
            case ItemViolation.OutcomesMismatch v -> refuse(RefusalReason.OUTCOMES_MISMATCH, field
                    + ".outcomes: market " + v.market() + " has outcomes " + v.expected() + " but the item has "
                    + v.actual(), summary);
        };
    }

    private static PolicyDecision refuse(RefusalReason reason, String message, Optional<BundleSummary> summary) {
        return new PolicyDecision.Refused(reason, message, summary);
    }
}
