package com.m0club.bench.dev;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Command-line options of {@link QuoteToRevealDriver}.
 *
 * @param measure how long quotes are measured ({@code --minutes}, default 3)
 * @param warmup how long after the node is up measuring starts ({@code --warmup-seconds}, default 20): the first
 *     bundles are signed while the JIT is still cold and the sources are still filling the aggregator
 * @param drain how long the node keeps running after the window closes so its last quotes reach the ledger
 *     ({@code --drain-seconds}, default 40: more than the slowest cadence, 15 s, plus the publish pipeline)
 * @param marketsFile the markets TOML ({@code --markets-file}, default {@code config/markets.toml})
 * @param dataDir the data directory ({@code --data-dir}); empty: a fresh temporary one, deleted at the end
 * @param logLevel the node's log level, logs to stderr ({@code --log-level}, default warn)
 */
public record DriverOptions(Duration measure, Duration warmup, Duration drain, Path marketsFile,
        Optional<Path> dataDir, String logLevel) {
    static final String USAGE = """
            usage: QuoteToRevealDriver [--minutes N] [--warmup-seconds S] [--drain-seconds S]
                                       [--markets-file FILE] [--data-dir DIR] [--log-level LEVEL]
            Starts the whole dev oracle in this JVM (fresh data dir, ephemeral ports), measures the time from each
            simulated quote to the revealed ledger item containing it, prints the distribution, stops.""";

    public static DriverOptions parse(String[] args) {
        Duration measure = Duration.ofMinutes(3);
        Duration warmup = Duration.ofSeconds(20);
        Duration drain = Duration.ofSeconds(40);
        Path markets = Path.of("config/markets.toml");
        Optional<Path> dataDir = Optional.empty();
        String logLevel = "warn";
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("-h") || name.equals("--help")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + ": needs a value\n" + USAGE);
            }
            String value = args[++i];
            switch (name) {
                case "--minutes" -> measure = Duration.ofMillis(Math.round(positive(name, value) * 60_000));
                case "--warmup-seconds" -> warmup = Duration.ofMillis(Math.round(nonNegative(name, value) * 1000));
                case "--drain-seconds" -> drain = Duration.ofMillis(Math.round(nonNegative(name, value) * 1000));
                case "--markets-file" -> markets = Path.of(value);
                case "--data-dir" -> dataDir = Optional.of(Path.of(value));
                case "--log-level" -> logLevel = value;
                default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
            }
        }
        return new DriverOptions(measure, warmup, drain, markets, dataDir, logLevel);
    }

    private static double positive(String name, String value) {
        double v = number(name, value);
        if (!(v > 0)) {
            throw new IllegalArgumentException(name + ": must be > 0, got " + value);
        }
        return v;
    }

    private static double nonNegative(String name, String value) {
        double v = number(name, value);
        if (!(v >= 0)) {
            throw new IllegalArgumentException(name + ": must be >= 0, got " + value);
        }
        return v;
    }

    private static double number(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": must be a number, got '" + value + "'");
        }
    }
}
