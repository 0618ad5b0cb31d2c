package com.m0club.adapter.eventlog.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamState;
import io.nats.client.impl.Headers;
import java.io.IOException;

/**
 * Where a {@code SubscribeFrom.replay(window)} consumer starts in one partition: the stream sequence of the partition's
 * first record whose {@code m0-published-at-ms} (the log's clock, not the server's) is at or after the cut-off.
 *
 * <p>A binary search over the stream's sequences with "next message of this subject at or after sequence s" look-ups:
 * {@code O(log n)} JetStream requests per partition, whatever the window. It relies on the records of one partition
 * carrying non-decreasing publish times, which holds for the publishers of one key sharing a monotonic clock; where
 * publishers' clocks disagree the start can land a few out-of-order records early or late (the same approximation as
 * Kafka's offsets-for-times). A record without a readable time counts as older than any cut-off.
 */
final class ReplayStart {
    private static final int NO_MESSAGE_FOUND = 10037;

    private ReplayStart() {}

    /**
     * The sequence to start the partition's consumer at: the first in-window record's, or the stream's last sequence
     * plus one when the partition has none (only records published from now on).
     */
    static long find(JetStreamManagement jsm, String stream, String subject, long cutoffMs)
            throws IOException, JetStreamApiException {
        StreamState state = jsm.getStreamInfo(stream).getStreamState();
        long lo = Math.max(1, state.getFirstSequence());
        long hi = state.getLastSequence() + 1;
        long found = -1;
        // Every record of the subject below 'lo' is older than the cut-off; the first record of the subject at or
        // after 'hi' is 'found' (in the window) or there is none. Each probe moves one bound past the record it saw.
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            MessageInfo m = next(jsm, stream, mid, subject);
            if (m == null || m.getSeq() > state.getLastSequence()) {
                hi = mid;
            } else if (publishedAtMs(m.getHeaders()) >= cutoffMs) {
                hi = mid;
                found = m.getSeq();
            } else {
                lo = m.getSeq() + 1;
            }
        }
        if (found >= 0) {
            return found;
        }
        return state.getLastSequence() + 1;
    }

    private static MessageInfo next(JetStreamManagement jsm, String stream, long seq, String subject)
            throws IOException, JetStreamApiException {
        try {
            return jsm.getNextMessage(stream, seq, subject);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /** The record's {@code m0-published-at-ms}, or {@link Long#MIN_VALUE} when it has none that parses. */
    static long publishedAtMs(Headers headers) {
        String v = headers == null ? null : headers.getFirst(NatsNames.PUBLISHED_AT_MS);
        if (v == null) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }
}
