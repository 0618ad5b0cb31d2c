package com.m0club.protocol.bundle;

import com.m0club.protocol.Checks;
import com.m0club.protocol.ErrorCode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.id.MarketId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The output of one publish round: a header and one item per market, markets in canonical (byte-ascending) order,
 * each market at most once. Signatures are not part of a bundle; see {@link SignedBundle}.
 */
public record Bundle(BundleHeader header, List<BundleItem> items) {
    /** The wire count is a u16. */
    public static final int MAX_ITEMS = 65_535;

    public Bundle {
        Checks.notNull("header", header);
        Checks.notNull("items", items);
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new ProtocolException(ErrorCode.EMPTY, "items", "a bundle needs at least one item");
        }
        if (items.size() > MAX_ITEMS) {
            throw new ProtocolException(ErrorCode.OUT_OF_RANGE, "items",
                    "at most " + MAX_ITEMS + " items, got " + items.size());
        }
        for (int i = 1; i < items.size(); i++) {
            MarketId prev = items.get(i - 1).marketId();
            MarketId cur = items.get(i).marketId();
            int cmp = prev.compareTo(cur);
            if (cmp == 0) {
                throw new ProtocolException(ErrorCode.DUPLICATE, "items[" + i + "].market_id",
                        "a market appears at most once per bundle, " + cur + " appears twice");
            }
            if (cmp > 0) {
                throw new ProtocolException(ErrorCode.NON_CANONICAL_ORDER, "items[" + i + "].market_id",
                        "items must be in ascending market_id byte order, " + cur + " follows " + prev);
            }
        }
    }

    /** Builds from items in any order (a round's outputs have no order of their own). */
    public static Bundle of(BundleHeader header, List<BundleItem> items) {
        Checks.notNull("items", items);
        List<BundleItem> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(BundleItem::marketId));
        return new Bundle(header, sorted);
    }
}
