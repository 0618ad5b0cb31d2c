package com.m0club.api.realtime;

/**
 * Where a client's messages go: a WebSocket session in production. Sending may block (a slow client's socket is
 * full); that is why only the client's own drain thread ever calls it, never the feed thread.
 */
interface MessageSink {
    /** Sends one complete text message; throws (unchecked) when the connection is gone. */
    void send(String text);

    /** Closes the connection with a WebSocket close code and a reason. */
    void close(int code, String reason);
}
