package com.m0club.runtime.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback in code, once the config is loaded: the log format and level come from {@code M0_LOG_FORMAT}
 * and {@code M0_LOG_LEVEL}, so they cannot live in a static {@code logback.xml}. Replaces whatever Logback set up
 * at start-up with one appender on the root logger.
 */
public final class Logging {

    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    private Logging() {
    }

    /**
     * Root logger to stdout in {@code format} ({@code json|text}) at {@code level}
     * ({@code trace|debug|info|warn|error|off}).
     *
     * @throws IllegalArgumentException naming the bad format or level
     * @throws IllegalStateException if SLF4J is not bound to Logback
     */
    public static void configure(String format, String level) {
        configure(LogFormat.of(format), level);
    }

    /** Root logger to stdout. */
    public static void configure(LogFormat format, String level) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.out");
        install(format, level, console);
    }

    /** Root logger to {@code out} (tests, or a file opened by the caller; the caller owns the stream). */
    public static void configure(LogFormat format, String level, OutputStream out) {
        Objects.requireNonNull(out, "out");
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setOutputStream(new NonClosing(out));
        install(format, level, appender);
    }

    /** The Logback encoder for a format, not yet started. */
    public static EncoderBase<ILoggingEvent> encoder(LogFormat format) {
        return switch (Objects.requireNonNull(format, "format")) {
            case JSON -> new JsonLogEncoder();
            case TEXT -> new TextLogEncoder();
        };
    }

    private static void install(LogFormat format, String level, OutputStreamAppender<ILoggingEvent> appender) {
        Objects.requireNonNull(format, "format");
        Level parsed = parseLevel(level);
        LoggerContext context = loggerContext();
        context.reset();
        EncoderBase<ILoggingEvent> encoder = encoder(format);
        encoder.setContext(context);
        encoder.start();
        appender.setContext(context);
        appender.setName(format.id());
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(parsed);
        root.addAppender(appender);
        // The Kafka clients log every client's whole configuration and each group step at INFO; at info they log
        // warnings only (the event log adapter logs assignments itself), at debug and trace they follow the root.
        if (parsed.isGreaterOrEqual(Level.INFO)) {
            context.getLogger("org.apache.kafka").setLevel(parsed.isGreaterOrEqual(Level.WARN) ? parsed : Level.WARN);
        }
    }

    /** Logback closes an appender's stream when it stops; the caller's stream must survive a reconfigure. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    private static Level parseLevel(String level) {
        Objects.requireNonNull(level, "level");
        String wanted = level.strip().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(wanted)) {
            throw new IllegalArgumentException("log level must be one of trace|debug|info|warn|error|off, got '"
                    + level + "'");
        }
        return Level.toLevel(wanted);
    }

    private static LoggerContext loggerContext() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            return context;
        }
        throw new IllegalStateException("SLF4J is bound to " + factory.getClass().getName()
                + ", not Logback; remove the other SLF4J provider from the classpath");
    }
}
