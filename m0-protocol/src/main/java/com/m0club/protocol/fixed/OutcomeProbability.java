package com.m0club.protocol.fixed;

import com.m0club.protocol.Checks;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.id.OutcomeId;

/**
 * One outcome of a distribution in fixed point: probability {@code p} with its interval, all scaled by S.
 * Invariant: {@code 0 <= ciLow <= p <= ciHigh <= S}.
 */
public record OutcomeProbability(OutcomeId outcome, long p, long ciLow, long ciHigh) {
    public OutcomeProbability {
        Checks.notNull("outcome_id", outcome);
        String f = "outcomes[" + outcome.value() + "]";
        FixedPoint.requireProbability(f + ".p", p);
        FixedPoint.requireProbability(f + ".ci_low", ciLow);
        FixedPoint.requireProbability(f + ".ci_high", ciHigh);
        if (!(ciLow <= p && p <= ciHigh)) {
            throw new ProtocolException(ErrorCode.CI_INVARIANT, f,
                    "must satisfy 0 <= ci_low <= p <= ci_high <= S, got ci_low=" + ciLow + " p=" + p + " ci_high="
                            + ciHigh);
        }
    }

    public static OutcomeProbability of(String outcome, long p, long ciLow, long ciHigh) {
        return new OutcomeProbability(OutcomeId.of(outcome), p, ciLow, ciHigh);
    }
}
