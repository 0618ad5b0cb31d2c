package com.m0club.signer.agent;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.protocol.ProtocolException;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.time.EpochSchedule;
import com.m0club.signer.SignerWire;
import com.m0club.signer.policy.MarketDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The standalone agent's signer set and market snapshot, read from one JSON file ({@code M0_SIGNER_CONFIG}). The
 * markets may instead come from their own file ({@code M0_SIGNER_MARKETS_FILE}, {@code {"markets": [...]}}, parsed
 * by {@link #parseMarkets}); whichever file holds them is reloaded when it changes ({@link ReloadingMarkets}).
 *
 * <pre>
 * {
 *   "signer_set": {
 *     "id": 1, "threshold": 2,
 *     "keys": ["&lt;64 hex&gt;", "&lt;64 hex&gt;", "&lt;64 hex&gt;"],
 *     "status": "ACTIVE",                 (optional, default ACTIVE)
 *     "activation_ms": 0,                 (optional, default 0)
 *     "allow_single_signer": false        (optional; threshold 1 is for dev only)
 *   },
 *   "markets": [
 *     {
 *       "id": "SPORTS_NBA_LAL_BOS_2026_01_04", "domain": "SPORTS", "tier": "NORMAL",
 *       "outcomes": ["AWAY", "HOME"], "status": "ACTIVE",
 *       "title": "LAL at BOS",            (optional, default: the id)
 *       "epoch_window_ms": 3600000,       (optional, default 3600000)
 *       "publish_cadence_ms": 5000,       (optional, default: the tier's cadence)
 *       "timing": {                       (optional; each field defaults to docs/protocol.md's value)
 *         "finalization_delay_ms": 120000, "max_reveal_delay_ms": 600000,
 *         "max_commit_staleness_ms": 600000, "max_clock_skew_ms": 15000
 *       }
 *     }
 *   ]
 * }
 * </pre>
 * Unknown keys are errors (a typo must not silently drop a check). Every error names the file and the key.
 */
public record SignerConfigFile(SignerSet signerSet, List<Market> markets) {
    private static final long DEFAULT_EPOCH_WINDOW_MS = 3_600_000;

    public SignerConfigFile {
        markets = List.copyOf(markets);
    }

    /** The markets as the agent's registry snapshot. */
    public MarketDirectory directory() {
        return MarketDirectory.of(markets);
    }

    /**
     * The JSON an agent reads as {@code M0_SIGNER_CONFIG}, every field written out (no defaults left implicit), so
     * {@link #parse} of it gives back {@code set} and {@code markets}. Deterministic: the same inputs give the same
     * bytes (markets in the given order). {@code allow_single_signer} is written only for a threshold of 1.
     */
    public static String render(SignerSet set, List<Market> markets) {
        var root = SignerWire.JSON.createObjectNode();
        var s = root.putObject("signer_set");
        s.put("id", set.id());
        s.put("threshold", set.threshold());
        var keys = s.putArray("keys");
        set.keys().forEach(k -> keys.add(k.toHex()));
        s.put("status", set.status().name());
        s.put("activation_ms", set.activationMs());
        if (set.threshold() == 1) {
            s.put("allow_single_signer", true);
        }
        var array = root.putArray("markets");
        for (Market m : markets) {
            var n = array.addObject();
            n.put("id", m.id().value());
            n.put("domain", m.domain().name());
            n.put("title", m.title());
            n.put("tier", m.tier().name());
            var outcomes = n.putArray("outcomes");
            m.outcomes().forEach(o -> outcomes.add(o.value()));
            n.put("status", m.status().name());
            n.put("epoch_window_ms", m.schedule().epochWindowMs());
            n.put("publish_cadence_ms", m.schedule().publishCadenceMs());
            var t = n.putObject("timing");
            t.put("finalization_delay_ms", m.timing().finalizationDelayMs());
            t.put("max_reveal_delay_ms", m.timing().maxRevealDelayMs());
            t.put("max_commit_staleness_ms", m.timing().maxCommitStalenessMs());
            t.put("max_clock_skew_ms", m.timing().maxClockSkewMs());
        }
        try {
            return SignerWire.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("rendering the signer config", e);
        }
    }

    public static SignerConfigFile load(Path file) {
        return parse(readJson(file), file.toString());
    }

    /** The file's JSON tree; errors name the file. */
    static JsonNode readJson(Path file) {
        try {
            return SignerWire.JSON.readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            throw new AgentConfigException("signer config " + file + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new AgentConfigException("signer config " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Parses the JSON tree; {@code source} names the file in errors. */
    public static SignerConfigFile parse(JsonNode root, String source) {
        Reader r = new Reader(source);
        r.object(root, "", Set.of("signer_set", "markets"));
        SignerSet set = r.signerSet(r.required(root, "", "signer_set"));
        return new SignerConfigFile(set, markets(r, root));
    }

    /** The signer set of a config file whose markets live in their own file ({@code markets} may be absent). */
    public static SignerSet parseSignerSet(JsonNode root, String source) {
        Reader r = new Reader(source);
        r.object(root, "", Set.of("signer_set", "markets"));
        return r.signerSet(r.required(root, "", "signer_set"));
    }

    /**
     * The markets of a markets file: {@code {"markets": [...]}}, or a whole signer config file when
     * {@code allowSignerSet} (the markets then live beside the signer set).
     */
    public static List<Market> parseMarkets(JsonNode root, String source, boolean allowSignerSet) {
        Reader r = new Reader(source);
        r.object(root, "", allowSignerSet ? Set.of("signer_set", "markets") : Set.of("markets"));
        return markets(r, root);
    }

    private static List<Market> markets(Reader r, JsonNode root) {
        JsonNode marketsNode = r.required(root, "", "markets");
        if (!marketsNode.isArray()) {
            throw r.error("markets", "must be an array of markets");
        }
        List<Market> markets = new ArrayList<>();
        for (int i = 0; i < marketsNode.size(); i++) {
            markets.add(r.market(marketsNode.get(i), "markets[" + i + "]"));
        }
        try {
            MarketDirectory.of(markets);
        } catch (IllegalArgumentException e) {
            throw r.error("markets", e.getMessage().replaceFirst("^markets: ", ""));
        }
        return List.copyOf(markets);
    }

    /** Field access with errors naming the key. */
    private record Reader(String source) {
        AgentConfigException error(String key, String rule) {
            return new AgentConfigException("signer config " + source + ": " + key + ": " + rule);
        }

        void object(JsonNode node, String key, Set<String> allowed) {
            if (node == null || !node.isObject()) {
                throw error(key.isEmpty() ? "(root)" : key, "must be a JSON object");
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!allowed.contains(name)) {
                    throw error(join(key, name), "unknown key (allowed: " + new java.util.TreeSet<>(allowed) + ")");
                }
            }
        }

        JsonNode required(JsonNode node, String key, String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                throw error(join(key, name), "is required");
            }
            return v;
        }

        long number(JsonNode node, String key, String name, long dflt, boolean optional) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                if (optional) {
                    return dflt;
                }
                throw error(join(key, name), "is required");
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw error(join(key, name), "must be an integer, got " + v);
            }
            return v.asLong();
        }

        String text(JsonNode node, String key, String name) {
            JsonNode v = required(node, key, name);
            if (!v.isTextual()) {
                throw error(join(key, name), "must be a string, got " + v);
            }
            return v.asText();
        }

        <E extends Enum<E>> E enumValue(JsonNode node, String key, String name, Class<E> type, E dflt) {
            JsonNode v = node.get(name);
            if ((v == null || v.isNull()) && dflt != null) {
                return dflt;
            }
            String text = text(node, key, name);
            try {
                return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw error(join(key, name), "must be one of " + java.util.Arrays.toString(type.getEnumConstants())
                        + ", got " + text);
            }
        }

        SignerSet signerSet(JsonNode node) {
            String key = "signer_set";
            object(node, key, Set.of("id", "threshold", "keys", "status", "activation_ms", "allow_single_signer"));
            JsonNode keys = required(node, key, "keys");
            if (!keys.isArray() || keys.isEmpty()) {
                throw error(key + ".keys", "must be a non-empty array of 64-hex-character public keys");
            }
            try {
                SignerSet.Builder b = SignerSet.builder()
                        .id(number(node, key, "id", 0, false))
                        .threshold(Math.toIntExact(number(node, key, "threshold", 0, false)))
                        .status(enumValue(node, key, "status", SignerSetStatus.class, SignerSetStatus.ACTIVE))
                        .activationMs(number(node, key, "activation_ms", 0, true));
                for (int i = 0; i < keys.size(); i++) {
                    JsonNode k = keys.get(i);
                    if (!k.isTextual()) {
                        throw error(key + ".keys[" + i + "]", "must be a string of 64 hex characters");
                    }
                    try {
                        b.key(SignerKey.fromHex(k.asText()));
                    } catch (ProtocolException e) {
                        throw error(key + ".keys[" + i + "]", e.rule());
                    }
                }
                JsonNode single = node.get("allow_single_signer");
                if (single != null && single.asBoolean(false)) {
                    b.allowSingleSigner();
                }
                return b.build();
            } catch (ProtocolException e) {
                throw error(e.field(), e.rule());
            } catch (ArithmeticException e) {
                throw error(key + ".threshold", "is out of range");
            }
        }

        Market market(JsonNode node, String key) {
            object(node, key, Set.of("id", "domain", "title", "tier", "outcomes", "status", "epoch_window_ms",
                    "publish_cadence_ms", "timing"));
            try {
                MarketId id = MarketId.of(text(node, key, "id"));
                Domain domain = enumValue(node, key, "domain", Domain.class, null);
                Tier tier = enumValue(node, key, "tier", Tier.class, null);
                MarketStatus status = enumValue(node, key, "status", MarketStatus.class, null);
                String title = node.hasNonNull("title") ? text(node, key, "title") : id.value();
                JsonNode outcomesNode = required(node, key, "outcomes");
                if (!outcomesNode.isArray()) {
                    throw error(key + ".outcomes", "must be an array of outcome ids");
                }
                List<OutcomeId> outcomes = new ArrayList<>();
                for (int i = 0; i < outcomesNode.size(); i++) {
                    outcomes.add(OutcomeId.of(outcomesNode.get(i).asText()));
                }
                EpochSchedule schedule = new EpochSchedule(
                        number(node, key, "epoch_window_ms", DEFAULT_EPOCH_WINDOW_MS, true),
                        number(node, key, "publish_cadence_ms", tier.defaultCadenceMs(), true));
                LedgerTiming timing = LedgerTiming.DEFAULTS;
                JsonNode t = node.get("timing");
                if (t != null && !t.isNull()) {
                    String tk = key + ".timing";
                    object(t, tk, Set.of("finalization_delay_ms", "max_reveal_delay_ms", "max_commit_staleness_ms",
                            "max_clock_skew_ms"));
                    LedgerTiming d = LedgerTiming.DEFAULTS;
                    timing = new LedgerTiming(
                            number(t, tk, "finalization_delay_ms", d.finalizationDelayMs(), true),
                            number(t, tk, "max_reveal_delay_ms", d.maxRevealDelayMs(), true),
                            number(t, tk, "max_commit_staleness_ms", d.maxCommitStalenessMs(), true),
                            number(t, tk, "max_clock_skew_ms", d.maxClockSkewMs(), true));
                }
                return new Market(id, domain, title, tier, outcomes, schedule, timing, status);
            } catch (ProtocolException e) {
                throw error(key + "." + e.field().replaceFirst("^market\\.", ""), e.rule());
            }
        }

        private static String join(String key, String name) {
            return key.isEmpty() ? name : key + "." + name;
        }
    }
}
