package com.m0club.api.realtime;

import com.m0club.protocol.id.MarketId;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which markets a client receives: every market (the default on connect) or a fixed set. Immutable; a new subscribe
 * message replaces the whole subscription.
 */
record Subscription(boolean all, SortedSet<MarketId> markets) {
    static final Subscription ALL = new Subscription(true, new TreeSet<>());

    Subscription {
        markets = Collections.unmodifiableSortedSet(new TreeSet<>(markets));
    }

    static Subscription of(Set<MarketId> markets) {
        return new Subscription(false, new TreeSet<>(markets));
    }

    boolean wants(MarketId market) {
        return all || markets.contains(market);
    }
}
