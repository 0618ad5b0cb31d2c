package com.m0club.runtime.log;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/**
 * Human-readable single-line logs for local use ({@code M0_LOG_FORMAT=text}), redacted like the JSON format:
 * the whole formatted line, stack trace included, passes through {@link Redactor}.
 */
public final class TextLogEncoder extends EncoderBase<ILoggingEvent> {

    /** UTC timestamp, level, thread, logger, MDC, message, then the stack trace if any. */
    public static final String PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{36} %mdc - %msg%n";

    private static final byte[] NONE = new byte[0];

    private PatternLayout layout;

    @Override
    public void start() {
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(getContext());
        pattern.setPattern(PATTERN);
        pattern.start();
        this.layout = pattern;
        super.start();
    }

    @Override
    public void stop() {
        if (layout != null) {
            layout.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        if (layout == null) {
            throw new IllegalStateException("TextLogEncoder used before start()");
        }
        return Redactor.redact(layout.doLayout(event)).getBytes(StandardCharsets.UTF_8);
    }
}
