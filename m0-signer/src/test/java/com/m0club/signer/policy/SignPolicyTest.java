package com.m0club.signer.policy;

import static com.m0club.signer.Fixtures.CRYPTO;
import static com.m0club.signer.Fixtures.HOURLY_5S;
import static com.m0club.signer.Fixtures.NOW;
import static com.m0club.signer.Fixtures.PAUSED;
import static com.m0club.signer.Fixtures.SET_ID;
import static com.m0club.signer.Fixtures.SPORTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.protocol.bundle.BundleItem;
import com.m0club.protocol.bundle.EncodedBundle;
import com.m0club.protocol.fixed.Distribution;
import com.m0club.protocol.fixed.OutcomeProbability;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.sign.SigningKey;
import com.m0club.signer.Fixtures;
import com.m0club.protocol.testing.ManualClock;
import com.m0club.signer.RefusalReason;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignPolicyTest {
    private final List<SigningKey> keys = Fixtures.keys(3);
    private final SignerSet set = Fixtures.set(2, keys);
    private final ManualClock clock = new ManualClock(NOW);
    private final SignPolicy policy = new SignPolicy(set, keys.get(0).publicKey(), Fixtures.directory(), clock);

    private PolicyDecision.Refused refused(EncodedBundle bundle, RefusalReason reason) {
        return refused(bundle.bytes(), reason);
    }

    private PolicyDecision.Refused refused(byte[] bytes, RefusalReason reason) {
        PolicyDecision d = policy.check(bytes);
        assertThat(d).isInstanceOf(PolicyDecision.Refused.class);
        PolicyDecision.Refused r = (PolicyDecision.Refused) d;
        assertThat(r.reason()).as(r.message()).isEqualTo(reason);
        return r;
    }

    @Test
    void acceptsAValidBundleAndRecomputesItsHash() {
        EncodedBundle bundle = Fixtures.bundle(1, NOW);
        PolicyDecision d = policy.check(bundle.bytes());
        assertThat(d).isInstanceOfSatisfying(PolicyDecision.Accepted.class, a -> {
            assertThat(a.bundle().bundleHash()).isEqualTo(bundle.bundleHash());
            assertThat(a.summary()).hasValueSatisfying(s -> {
                assertThat(s.sequence()).isEqualTo(1);
                assertThat(s.marketCount()).isEqualTo(2);
            });
        });
    }

    @Test
    void refusesNonCanonicalBytes() {
        byte[] bytes = Fixtures.bundle(1, NOW).bytes();
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertThat(refused(trailing, RefusalReason.INVALID_BUNDLE).message()).contains("TRAILING_BYTES");
        assertThat(refused(Arrays.copyOf(bytes, 10), RefusalReason.INVALID_BUNDLE).summary()).isEmpty();
        byte[] badVersion = bytes.clone();
        badVersion[0] = 9;
        assertThat(refused(badVersion, RefusalReason.INVALID_BUNDLE).message()).contains("header.version");
    }

    @Test
    void refusesAnotherSignerSet() {
        EncodedBundle other = Fixtures.bundle(SET_ID + 1, 1, NOW, List.of(Fixtures.sportsItem(NOW)));
        assertThat(refused(other, RefusalReason.SIGNER_SET_MISMATCH).message())
                .contains("header.signer_set_id is 8").contains("signer set 7");
    }

    @Test
    void refusesWhenItsOwnKeyIsNotInTheSetOrTheSetIsRetired() {
        SignPolicy outsider = new SignPolicy(set, Fixtures.key(9).publicKey(), Fixtures.directory(), clock);
        PolicyDecision d = outsider.check(Fixtures.bundle(1, NOW).bytes());
        assertThat(d).isInstanceOfSatisfying(PolicyDecision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(RefusalReason.NOT_A_SET_MEMBER));

        SignerSet retired = new SignerSet(set.id(), set.threshold(), set.keys(), SignerSetStatus.RETIRED, 0);
        SignPolicy old = new SignPolicy(retired, keys.get(0).publicKey(), Fixtures.directory(), clock);
        assertThat(old.check(Fixtures.bundle(1, NOW).bytes())).isInstanceOfSatisfying(PolicyDecision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(RefusalReason.SIGNER_SET_RETIRED));
    }

    @Test
    void refusesUnknownAndPausedMarkets() {
        BundleItem unknown = Fixtures.item(MarketId.of("MACRO_UNKNOWN"), HOURLY_5S, NOW, List.of("NO", "YES"));
        EncodedBundle b1 = Fixtures.bundle(SET_ID, 1, NOW, List.of(Fixtures.sportsItem(NOW), unknown));
        assertThat(refused(b1, RefusalReason.UNKNOWN_MARKET).message()).contains("items[0].market_id")
                .contains("MACRO_UNKNOWN");

        BundleItem paused = Fixtures.item(PAUSED, HOURLY_5S, NOW, List.of("NO", "YES"));
        EncodedBundle b2 = Fixtures.bundle(SET_ID, 1, NOW, List.of(Fixtures.sportsItem(NOW), paused));
        assertThat(refused(b2, RefusalReason.MARKET_NOT_ACTIVE).message()).contains("items[0].market_id")
                .contains("POLITICS_PAUSED").contains("PAUSED");
    }

    @Test
    void refusesItemsOffTheMarketsEpochGrid() {
        // A one-minute window is a valid item on its own grid, but SPORTS epochs are one hour.
        BundleItem minute = BundleItem.builder().market(SPORTS)
                .epoch(NOW / 60_000, NOW / 60_000 * 60_000, NOW / 60_000 * 60_000 + 60_000)
                .tick(0)
                .distribution(Fixtures.sportsItem(NOW).distribution())
                .model("m", "1")
                .build();
        EncodedBundle b = Fixtures.bundle(SET_ID, 1, NOW, List.of(minute));
        assertThat(refused(b, RefusalReason.WINDOW_INCONSISTENT).message()).contains("items[0]")
                .contains("SPORTS_LAL_BOS").contains("epoch_window_ms=3600000");

        BundleItem good = Fixtures.sportsItem(NOW);
        BundleItem tickTooLarge = BundleItem.builder().market(SPORTS)
                .epoch(good.epochId(), good.windowStartMs(), good.windowEndMs())
                .tick(HOURLY_5S.ticksPerEpoch())
                .distribution(good.distribution())
                .model("m", "1")
                .build();
        refused(Fixtures.bundle(SET_ID, 1, NOW, List.of(tickTooLarge)), RefusalReason.WINDOW_INCONSISTENT);
    }

    @Test
    void refusesOutcomesThatDifferFromTheMarkets() {
        BundleItem wrong = Fixtures.item(SPORTS, HOURLY_5S, NOW, List.of("AWAY", "DRAW", "HOME"));
        assertThat(refused(Fixtures.bundle(SET_ID, 1, NOW, List.of(wrong)), RefusalReason.OUTCOMES_MISMATCH)
                .message()).contains("items[0].outcomes").contains("[AWAY, HOME]").contains("[AWAY, DRAW, HOME]");
        BundleItem renamed = BundleItem.builder().market(CRYPTO)
                .epoch(Fixtures.cryptoItem(NOW).epochId(), Fixtures.cryptoItem(NOW).windowStartMs(),
                        Fixtures.cryptoItem(NOW).windowEndMs())
                .tick(Fixtures.cryptoItem(NOW).tick())
                .distribution(Distribution.of(List.of(OutcomeProbability.of("DOWN", 500_000_000, 0, 600_000_000),
                        OutcomeProbability.of("UPP", 500_000_000, 0, 600_000_000))))
                .model("m", "1")
                .build();
        refused(Fixtures.bundle(SET_ID, 1, NOW, List.of(renamed)), RefusalReason.OUTCOMES_MISMATCH);
    }

    @Test
    void freshnessUsesTheStrictestLimitsOverTheBundlesMarkets() {
        // SPORTS alone: skew 15 s, staleness 600 s. With CRYPTO: skew 5 s, staleness 300 s.
        EncodedBundle sportsOnly = Fixtures.bundle(SET_ID, 1, NOW + 10_000, List.of(Fixtures.sportsItem(NOW)));
        assertThat(policy.check(sportsOnly.bytes())).isInstanceOf(PolicyDecision.Accepted.class);
        EncodedBundle both = Fixtures.bundle(SET_ID, 1, NOW + 10_000,
                List.of(Fixtures.sportsItem(NOW), Fixtures.cryptoItem(NOW)));
        assertThat(refused(both, RefusalReason.PRODUCED_IN_FUTURE).message()).contains("header.produced_at_ms")
                .contains("10000 ms ahead").contains("max_clock_skew_ms is 5000");

        clock.set(NOW + 400_000);
        EncodedBundle oldSports = Fixtures.bundle(SET_ID, 1, NOW, List.of(Fixtures.sportsItem(NOW)));
        assertThat(policy.check(oldSports.bytes())).isInstanceOf(PolicyDecision.Accepted.class);
        EncodedBundle oldBoth = Fixtures.bundle(SET_ID, 1, NOW,
                List.of(Fixtures.sportsItem(NOW), Fixtures.cryptoItem(NOW)));
        assertThat(refused(oldBoth, RefusalReason.BUNDLE_STALE).message()).contains("400000 ms old")
                .contains("max_commit_staleness_ms is 300000");

        clock.set(NOW + 700_000);
        refused(oldSports, RefusalReason.BUNDLE_STALE);
    }
}
