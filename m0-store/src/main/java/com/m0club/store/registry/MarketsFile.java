package com.m0club.store.registry;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.time.EpochSchedule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a markets file ({@code config/markets.toml}, the input of {@code m0 registry seed} and of {@code m0 dev})
 * into registry entries. The format is documented in {@code m0-store/README.md}; in short, one {@code [[markets]]}
 * table per market:
 *
 * <pre>
 * [[markets]]
 * id = "CRYPTO_BTC_RANGE_24H"
 * domain = "CRYPTO"                  # SPORTS | POLITICS | MACRO | CRYPTO
 * title = "Bitcoin 24h price range"
 * tier = "FAST"                      # FAST | NORMAL | SLOW (STRICT is read as SLOW)
 * outcomes = ["UP", "FLAT", "DOWN"]  # stored in canonical (byte) order
 * publish_cadence_ms = 1000          # default: the tier's (FAST 1000, NORMAL 5000, SLOW 15000)
 * epoch_window_ms = 3600000          # default 3600000
 * # finalization_delay_ms, max_reveal_delay_ms, max_commit_staleness_ms, max_clock_skew_ms: LedgerTiming.DEFAULTS
 * status = "ACTIVE"                  # default ACTIVE
 * </pre>
 *
 * Unknown keys are errors (a typo must not silently fall back to a default), and so are duplicate ids. Every error
 * names the file, the market and the key ({@link MarketsFileException}).
 */
public final class MarketsFile {
    private static final Logger LOG = LoggerFactory.getLogger(MarketsFile.class);
    private static final TomlMapper TOML = new TomlMapper();

    /** The default epoch window when a market does not set one: one hour. */
    public static final long DEFAULT_EPOCH_WINDOW_MS = 3_600_000L;

    private static final Set<String> KEYS = Set.of("id", "domain", "title", "tier", "outcomes", "publish_cadence_ms",
            "epoch_window_ms", "finalization_delay_ms", "max_reveal_delay_ms", "max_commit_staleness_ms",
            "max_clock_skew_ms", "status");

    private MarketsFile() {}

    /** Reads and parses a markets file. */
    public static List<Market> read(Path file) {
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MarketsFileException(source, null, null, "cannot read the markets file: " + e);
        }
        return parse(text, source);
    }

    /**
     * Parses markets from TOML text.
     *
     * @param source how to name the input in errors (a path, or {@code "<inline>"})
     * @return the markets in file order
     */
    public static List<Market> parse(String toml, String source) {
        Objects.requireNonNull(toml, "toml");
        Objects.requireNonNull(source, "source");
        JsonNode root;
        try {
            root = TOML.readTree(toml);
        } catch (JacksonException e) {
            throw new MarketsFileException(source, null, null, "not valid TOML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")"));
        }
        if (root == null || root.isMissingNode() || root.isEmpty()) {
            throw new MarketsFileException(source, null, "markets", "the file defines no markets (expected one"
                    + " [[markets]] table per market)");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("markets")) {
                throw new MarketsFileException(source, null, key, "unknown top-level key (only [[markets]] tables"
                        + " are allowed)");
            }
        }
        JsonNode markets = root.get("markets");
        if (!markets.isArray()) {
            throw new MarketsFileException(source, null, "markets", "must be an array of tables ([[markets]]),"
                    + " got " + kind(markets));
        }
        List<Market> out = new ArrayList<>();
        Map<MarketId, Integer> seen = new HashMap<>();
        for (int i = 0; i < markets.size(); i++) {
            Market m = parseMarket(markets.get(i), i, source);
            Integer previous = seen.putIfAbsent(m.id(), i);
            if (previous != null) {
                throw new MarketsFileException(source, m.id() + " (markets[" + i + "])", "id",
                        "duplicate market id, first defined at markets[" + previous + "]");
            }
            out.add(m);
        }
        return List.copyOf(out);
    }

    private static Market parseMarket(JsonNode node, int index, String source) {
        String position = "markets[" + index + "]";
        if (!node.isObject()) {
            throw new MarketsFileException(source, position, null, "must be a table, got " + kind(node));
        }
        Fields f = new Fields(node, position, source);
        String rawId = f.requiredString("id");
        MarketId id;
        try {
            id = MarketId.of(rawId);
        } catch (ProtocolException e) {
            throw new MarketsFileException(source, position, "id", e.rule() + ", got \"" + rawId + "\"");
        }
        f.market = id + " (" + position + ")";
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw f.error(key, "unknown key (allowed: " + KEYS.stream().sorted().collect(Collectors.joining(", "))
                        + ")");
            }
        }
        Domain domain = f.enumValue("domain", Domain.class);
        String title = f.requiredString("title");
        Tier tier = parseTier(f, id);
        List<OutcomeId> outcomes = parseOutcomes(f);
        long window = f.optionalLong("epoch_window_ms").orElse(DEFAULT_EPOCH_WINDOW_MS);
        long cadence = f.optionalLong("publish_cadence_ms").orElse(tier.defaultCadenceMs());
        LedgerTiming d = LedgerTiming.DEFAULTS;
        long finalization = f.optionalLong("finalization_delay_ms").orElse(d.finalizationDelayMs());
        long reveal = f.optionalLong("max_reveal_delay_ms").orElse(d.maxRevealDelayMs());
        long staleness = f.optionalLong("max_commit_staleness_ms").orElse(d.maxCommitStalenessMs());
        long skew = f.optionalLong("max_clock_skew_ms").orElse(d.maxClockSkewMs());
        MarketStatus status = node.has("status") ? f.enumValue("status", MarketStatus.class) : MarketStatus.ACTIVE;
        try {
            return new Market(id, domain, title, tier, outcomes, new EpochSchedule(window, cadence),
                    new LedgerTiming(finalization, reveal, staleness, skew), status);
        } catch (ProtocolException e) {
            throw f.error(keyOf(e.field()), e.rule());
        }
    }

    private static Tier parseTier(Fields f, MarketId id) {
        String raw = f.requiredString("tier");
        if (raw.equals("STRICT")) {
            LOG.info("market {}: tier STRICT is read as SLOW (STRICT is the upstream name of the slowest tier;"
                    + " write SLOW to silence this note)", id);
            return Tier.SLOW;
        }
        try {
            return Tier.valueOf(raw);
        } catch (IllegalArgumentException e) {
            throw f.error("tier", "must be FAST, NORMAL or SLOW (STRICT is read as SLOW), got \"" + raw + "\"");
        }
    }

    private static List<OutcomeId> parseOutcomes(Fields f) {
        JsonNode node = f.node.get("outcomes");
        if (node == null) {
            throw f.error("outcomes", "is required (a list of outcome ids, for example [\"UP\", \"DOWN\"])");
        }
        if (!node.isArray()) {
            throw f.error("outcomes", "must be a list of strings, got " + kind(node));
        }
        List<OutcomeId> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode o = node.get(i);
            if (!o.isTextual()) {
                throw f.error("outcomes[" + i + "]", "must be a string, got " + kind(o));
            }
            try {
                out.add(OutcomeId.of(o.asText()));
            } catch (ProtocolException e) {
                throw f.error("outcomes[" + i + "]", e.rule() + ", got \"" + o.asText() + "\"");
            }
        }
        return out;
    }

    /** Maps a protocol field name ({@code market.outcomes}) back to the file's key ({@code outcomes}). */
    private static String keyOf(String field) {
        return field.startsWith("market.") ? field.substring("market.".length()) : field;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "a table";
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a float";
            case BOOLEAN -> "a boolean";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Typed access to one market's keys, with errors naming the market and key. */
    private static final class Fields {
        final JsonNode node;
        final String source;
        String market;

        Fields(JsonNode node, String position, String source) {
            this.node = node;
            this.market = position;
            this.source = source;
        }

        MarketsFileException error(String key, String rule) {
            return new MarketsFileException(source, market, key, rule);
        }

        String requiredString(String key) {
            JsonNode v = node.get(key);
            if (v == null) {
                throw error(key, "is required");
            }
            if (!v.isTextual()) {
                throw error(key, "must be a string, got " + kind(v));
            }
            return v.asText();
        }

        OptionalLong optionalLong(String key) {
            JsonNode v = node.get(key);
            if (v == null) {
                return OptionalLong.empty();
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw error(key, "must be an integer number of milliseconds, got " + kind(v)
                        + (v.isTextual() ? " \"" + v.asText() + "\" (write it without quotes)" : ""));
            }
            return OptionalLong.of(v.asLong());
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type) {
            String raw = requiredString(key);
            try {
                return Enum.valueOf(type, raw);
            } catch (IllegalArgumentException e) {
                throw error(key, "must be one of " + Arrays.stream(type.getEnumConstants()).map(Enum::name)
                        .collect(Collectors.joining(", ")) + ", got \"" + raw + "\"");
            }
        }
    }

    /**
     * Explicit changes the dev profile makes to the markets of a file, so a local run shows finalized epochs within
     * minutes rather than hours. Every change is logged at INFO; an empty {@code Overrides} changes nothing.
     *
     * <p>When the epoch window is overridden, a market's cadence is kept if it divides the new window; otherwise the
     * market falls back to its tier's default cadence (FAST 1000, NORMAL 5000, SLOW 15000), and if that does not
     * divide the window either, the override is refused.
     *
     * @param epochWindowMs the epoch window every market gets
     * @param finalizationDelayMs the finalization delay every market gets
     */
    public record Overrides(OptionalLong epochWindowMs, OptionalLong finalizationDelayMs) {
        public Overrides {
            Objects.requireNonNull(epochWindowMs, "epochWindowMs");
            Objects.requireNonNull(finalizationDelayMs, "finalizationDelayMs");
            if (epochWindowMs.isPresent() && epochWindowMs.getAsLong() <= 0) {
                throw new IllegalArgumentException("epoch_window_ms override: must be > 0, got "
                        + epochWindowMs.getAsLong());
            }
            if (finalizationDelayMs.isPresent() && finalizationDelayMs.getAsLong() < 0) {
                throw new IllegalArgumentException("finalization_delay_ms override: must be >= 0, got "
                        + finalizationDelayMs.getAsLong());
            }
        }

        /** No overrides. */
        public static Overrides none() {
            return new Overrides(OptionalLong.empty(), OptionalLong.empty());
        }

        /** Overrides both the epoch window and the finalization delay. */
        public static Overrides of(long epochWindowMs, long finalizationDelayMs) {
            return new Overrides(OptionalLong.of(epochWindowMs), OptionalLong.of(finalizationDelayMs));
        }

        public boolean isEmpty() {
            return epochWindowMs.isEmpty() && finalizationDelayMs.isEmpty();
        }

        /**
         * The markets with the overrides applied, in the same order; logs a summary and every cadence change.
         *
         * @throws IllegalArgumentException when a market's tier default cadence does not divide the window
         */
        public List<Market> apply(List<Market> markets) {
            if (isEmpty()) {
                return List.copyOf(markets);
            }
            LOG.info("markets overrides for this profile: {} applied to {} market(s)", this, markets.size());
            List<Market> out = new ArrayList<>(markets.size());
            for (Market m : markets) {
                EpochSchedule schedule = m.schedule();
                if (epochWindowMs.isPresent()) {
                    long window = epochWindowMs.getAsLong();
                    long cadence = schedule.publishCadenceMs();
                    if (window % cadence != 0) {
                        long fallback = m.tier().defaultCadenceMs();
                        if (window % fallback != 0) {
                            throw new IllegalArgumentException("epoch_window_ms override " + window + ": market "
                                    + m.id() + " publishes every " + cadence + " ms and its tier " + m.tier()
                                    + " default " + fallback + " ms does not divide it either; pick a window that"
                                    + " is a multiple of 15000");
                        }
                        LOG.info("market {}: publish_cadence_ms {} -> {} (tier {} default), because {} does not"
                                + " divide the overridden epoch_window_ms {}", m.id(), cadence, fallback, m.tier(),
                                cadence, window);
                        cadence = fallback;
                    }
                    schedule = new EpochSchedule(window, cadence);
                }
                LedgerTiming timing = m.timing();
                if (finalizationDelayMs.isPresent()) {
                    timing = new LedgerTiming(finalizationDelayMs.getAsLong(), timing.maxRevealDelayMs(),
                            timing.maxCommitStalenessMs(), timing.maxClockSkewMs());
                }
                out.add(new Market(m.id(), m.domain(), m.title(), m.tier(), m.outcomes(), schedule, timing,
                        m.status()));
            }
            return List.copyOf(out);
        }

        @Override
        public String toString() {
            if (isEmpty()) {
                return "none";
            }
            List<String> parts = new ArrayList<>();
            epochWindowMs.ifPresent(v -> parts.add("epoch_window_ms=" + v));
            finalizationDelayMs.ifPresent(v -> parts.add("finalization_delay_ms=" + v));
            return String.join(", ", parts);
        }
    }
}
