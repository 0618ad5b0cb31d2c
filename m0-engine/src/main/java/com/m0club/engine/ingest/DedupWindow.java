package com.m0club.engine.ingest;

import com.m0club.protocol.hash.Hash32;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event ids ingest has accepted recently, bounded: when full, the least recently seen id is forgotten. A duplicate
 * older than the window gets through to the aggregator, which is harmless there (it keeps each source's latest event
 * by event time, so a re-delivered old event changes nothing); the window only saves the work and the log traffic.
 * Not thread-safe (one per ingest partition).
 */
final class DedupWindow {
    private final int capacity;
    private final LinkedHashMap<Hash32, Boolean> ids;

    DedupWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("dedup_capacity: must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Hash32, Boolean> eldest) {
                return size() > DedupWindow.this.capacity;
            }
        };
    }

    /** True if {@code id} is in the window (and marks it recently seen). */
    boolean contains(Hash32 id) {
        return ids.get(id) != null;
    }

    void remember(Hash32 id) {
        ids.put(id, Boolean.TRUE);
    }

    int size() {
        return ids.size();
    }
}
