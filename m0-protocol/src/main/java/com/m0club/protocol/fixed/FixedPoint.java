package com.m0club.protocol.fixed;

import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Probabilities on the wire are unsigned 32-bit integers scaled by {@link #SCALE} = 10^9. Models compute in
 * {@code double}; this class is the one place where a double becomes a hashed integer, so that the same double gives
 * the same integer on every JVM.
 */
public final class FixedPoint {
    /** S: the fixed-point scale. 1.0 is represented as S. */
    public static final long SCALE = 1_000_000_000L;

    private static final BigDecimal SCALE_DECIMAL = BigDecimal.valueOf(SCALE);

    private FixedPoint() {}

    /**
     * Rounds {@code probability * S} half-even, computed exactly on the double's binary value (BigDecimal, not
     * floating-point multiplication), so that ties are real ties and the result does not depend on the JIT.
     *
     * @throws ProtocolException NOT_FINITE for NaN or infinity, OUT_OF_RANGE outside [0, 1]
     */
    public static long fromDouble(String field, double probability) {
        if (!Double.isFinite(probability)) {
            throw new ProtocolException(ErrorCode.NOT_FINITE, field, "must be a finite number, got " + probability);
        }
        if (probability < 0.0 || probability > 1.0) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, field,
                    "must be a probability in [0, 1], got " + probability);
        }
        return new BigDecimal(probability).multiply(SCALE_DECIMAL).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** The fixed-point value as a double, for display and for models that read published values back. */
    public static double toDouble(long fixed) {
        return fixed / (double) SCALE;
    }

    /** Checks {@code 0 <= value <= S}. */
    public static long requireProbability(String field, long value) {
        if (value < 0 || value > SCALE) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, field,
                    "must be a fixed-point probability in 0..1000000000, got " + value);
        }
        return value;
    }
}
