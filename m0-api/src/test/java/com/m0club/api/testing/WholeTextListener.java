package com.m0club.api.testing;

import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;

/**
 * A {@link WebSocket.Listener} that joins text fragments into whole messages and asks for one frame at a time, so a
 * subclass only handles complete messages. {@link #wantsMore()} lets a client stop reading (a slow consumer).
 */
public abstract class WholeTextListener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    /** One complete text message, on the socket's listener thread. */
    protected abstract void onMessage(String text);

    /** Whether to ask for the next frame after this one; a client that stops asking stops reading. */
    protected boolean wantsMore() {
        return true;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            onMessage(text);
        }
        if (wantsMore()) {
            webSocket.request(1);
        }
        return null;
    }
}
