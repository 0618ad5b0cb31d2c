package com.m0club.adapter.view.redis;

import com.m0club.view.LedgerStatus;
import com.m0club.view.ServedValue;
import java.util.Comparator;
import java.util.Objects;

/**
 * The total order of one market's served values, the rule that decides which value is the latest: the later ledger
 * reveal slot wins ({@code market_latest} in PostgreSQL advances on the reveal slot the same way); within one slot the
 * higher bundle sequence wins (a signer set publishes its bundles one at a time, in sequence order); and the same
 * bundle's item finalized beats it revealed. A value is "newer" than another exactly when its key is greater; equal
 * keys are the same value (a redelivery).
 *
 * <p>In Redis the key is the string {@code slot:sequence:finalized} ({@link #encode()}); the Lua scripts compare its
 * three parts as numbers, which Lua holds exactly below 2^53, so the constructor refuses larger slots and sequences.
 *
 * @param revealSlot ledger slot of the reveal, 0 &lt;= slot &lt; 2^53
 * @param sequence the bundle's sequence in its signer set, 0 &lt;= sequence &lt; 2^53
 * @param finalized whether the item's epoch finalized with it
 */
public record OrderKey(long revealSlot, long sequence, boolean finalized) implements Comparable<OrderKey> {
    /** Lua numbers are doubles: integers are exact below 2^53. */
    public static final long LIMIT = 1L << 53;

    private static final Comparator<OrderKey> ORDER = Comparator.comparingLong(OrderKey::revealSlot)
            .thenComparingLong(OrderKey::sequence).thenComparing(OrderKey::finalized);

    public OrderKey {
        if (revealSlot < 0 || revealSlot >= LIMIT) {
            throw new IllegalArgumentException("revealSlot: must be in [0, 2^53), got " + revealSlot);
        }
        if (sequence < 0 || sequence >= LIMIT) {
            throw new IllegalArgumentException("sequence: must be in [0, 2^53), got " + sequence);
        }
    }

    /** The key of {@code value}. */
    public static OrderKey of(ServedValue value) {
        Objects.requireNonNull(value, "value");
        return new OrderKey(value.revealSlot(), value.sequence(), value.ledgerStatus() == LedgerStatus.FINALIZED);
    }

    /** True when this key orders after {@code other}: its value replaces {@code other}'s. */
    public boolean newerThan(OrderKey other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(OrderKey other) {
        return ORDER.compare(this, other);
    }

    /** {@code slot:sequence:0|1}, as the Lua scripts parse it. */
    public String encode() {
        return revealSlot + ":" + sequence + ":" + (finalized ? 1 : 0);
    }

    /** The key {@link #encode()} wrote. */
    public static OrderKey decode(String encoded) {
        Objects.requireNonNull(encoded, "encoded");
        String[] parts = encoded.split(":", -1);
        if (parts.length != 3 || !(parts[2].equals("0") || parts[2].equals("1"))) {
            throw new IllegalArgumentException("order key: must be slot:sequence:0|1, got \"" + encoded + "\"");
        }
        try {
            return new OrderKey(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2].equals("1"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("order key: must be slot:sequence:0|1, got \"" + encoded + "\"", e);
        }
    }
}
