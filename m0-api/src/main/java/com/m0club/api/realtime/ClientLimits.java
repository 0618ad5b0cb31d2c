package com.m0club.api.realtime;

/**
 * What one {@code /v1/stream} client may send (docs/api.md, "WebSocket limits"): messages of at most
 * {@code maxMessageBytes} (fragments counted together; a larger one closes the connection with 1009), and a
 * token bucket of {@code burst} messages refilled at {@code messagesPerSecond} (an empty bucket gets a
 * {@code RATE_LIMITED} error, then close 1008).
 */
public record ClientLimits(int maxMessageBytes, int burst, double messagesPerSecond) {
    /** 64 KiB messages; bursts of 10 subscribe messages, 2 per second sustained. */
    public static final ClientLimits DEFAULT = new ClientLimits(64 * 1024, 10, 2.0);

    public ClientLimits {
        if (maxMessageBytes < 256 || maxMessageBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("max_message_bytes: must be 256..16777216, got " + maxMessageBytes);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("message burst: must be >= 1, got " + burst);
        }
        if (!(messagesPerSecond > 0)) {
            throw new IllegalArgumentException("messages per second: must be > 0, got " + messagesPerSecond);
        }
    }
}
