package com.m0club.adapter.source.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.id.SourceId;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the connectors file ({@code connectors_file}, {@code M0_CONNECTORS_FILE}): one {@code [[connector]]} table per
 * HTTP connector, with its {@code [connector.mapping]} of JSON pointers (format and defaults in the module's README).
 * Every problem is collected before failing, each naming the file, the connector, the field and the rule
 * ({@link ConnectorsFileException}); unknown keys are errors, so a typo cannot fall back to a default. Header values
 * and URLs are never repeated in a message (they may hold credentials).
 */
public final class ConnectorsFile {
    private static final TomlMapper TOML = new TomlMapper();
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade");

    static final Set<String> KEYS = Set.of("id", "url", "kind", "interval_ms", "timeout_ms", "retries", "backoff_ms",
            "rate_limit_per_s", "degraded_after", "max_body_bytes", "default_spread", "price_scale", "headers",
            "mapping", "market_map", "outcome_map");
    static final Set<String> MAPPING_KEYS = Set.of("items", "market", "outcomes", "outcome", "value", "ts_ms",
            "spread");

    /** Defaults of the optional settings. */
    public static final long DEFAULT_INTERVAL_MS = 1_000;
    public static final long DEFAULT_TIMEOUT_MS = 2_000;
    public static final int DEFAULT_RETRIES = 2;
    public static final long DEFAULT_BACKOFF_MS = 200;
    public static final double DEFAULT_RATE_LIMIT_PER_S = 5;
    public static final int DEFAULT_DEGRADED_AFTER = 5;
    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

    private ConnectorsFile() {}

    /**
     * Reads and checks a connectors file.
     *
     * @param env where {@code env:NAME} header values are looked up (pass {@code System.getenv()} in production)
     * @throws ConnectorsFileException listing every problem
     */
    public static List<ConnectorSpec> read(Path file, Map<String, String> env) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConnectorsFileException(List.of(file + ": cannot read the connectors file: " + e));
        }
        return parse(text, file.toString(), env);
    }

    /**
     * Parses connectors from TOML text.
     *
     * @param source how to name the input in errors (a path, or {@code "<inline>"})
     */
    public static List<ConnectorSpec> parse(String toml, String source, Map<String, String> env) {
        Objects.requireNonNull(toml, "toml");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(env, "env");
        JsonNode root;
        try {
            root = TOML.readTree(toml);
        } catch (JacksonException e) {
            throw new ConnectorsFileException(List.of(source + ": not valid TOML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
        }
        List<String> problems = new ArrayList<>();
        if (root == null || root.isMissingNode() || !root.has("connector")) {
            throw new ConnectorsFileException(List.of(source + ": connector: the file defines no connectors"
                    + " (expected one [[connector]] table per connector)"));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("connector")) {
                problems.add(source + ": " + key + ": unknown top-level key (only [[connector]] tables are allowed)");
            }
        }
        JsonNode list = root.get("connector");
        if (!list.isArray()) {
            problems.add(source + ": connector: must be an array of tables ([[connector]])");
            throw new ConnectorsFileException(problems);
        }
        List<ConnectorSpec> out = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Parser p = new Parser(source, i, list.get(i), env, problems);
            Optional<ConnectorSpec> spec = p.connector();
            if (p.id != null) {
                Integer first = ids.putIfAbsent(p.id, i);
                if (first != null) {
                    problems.add(p.where() + "id: must be unique in the file (connector[" + first
                            + "] has it too)");
                }
            }
            spec.ifPresent(out::add);
        }
        if (!problems.isEmpty()) {
            throw new ConnectorsFileException(problems);
        }
        return List.copyOf(out);
    }

    /** One connector table; problems go to the shared list. */
    private static final class Parser {
        private final String source;
        private final int index;
        private final JsonNode node;
        private final Map<String, String> env;
        private final List<String> problems;
        private final int before;
        String id;

        Parser(String source, int index, JsonNode node, Map<String, String> env, List<String> problems) {
            this.source = source;
            this.index = index;
            this.node = node;
            this.env = env;
            this.problems = problems;
            this.before = problems.size();
        }

        String where() {
            return source + ": connector " + (id != null ? id : "[" + index + "]") + ": ";
        }

        void bad(String field, String rule) {
            problems.add(where() + field + ": " + rule);
        }

        Optional<ConnectorSpec> connector() {
            if (!node.isObject()) {
                bad("connector", "must be a table");
                return Optional.empty();
            }
            JsonNode idNode = node.get("id");
            if (idNode == null || !idNode.isTextual()) {
                bad("id", idNode == null ? "is required" : "must be a string");
            } else {
                try {
                    id = SourceId.validate("id", idNode.textValue());
                } catch (IllegalArgumentException e) {
                    bad("id", "must match " + SourceId.RULE + " (it is the source id of the quotes), got '"
                            + idNode.textValue() + "'");
                }
            }
            unknownKeys(node, KEYS, "");
            URI url = url();
            ConnectorKind kind = kind();
            long interval = integer("interval_ms", DEFAULT_INTERVAL_MS, 50, 3_600_000);
            long timeout = integer("timeout_ms", DEFAULT_TIMEOUT_MS, 10, 120_000);
            int retries = (int) integer("retries", DEFAULT_RETRIES, 0, 10);
            long backoff = integer("backoff_ms", DEFAULT_BACKOFF_MS, 0, 60_000);
            double rate = number("rate_limit_per_s", DEFAULT_RATE_LIMIT_PER_S, 0, false, 1000);
            int degradedAfter = (int) integer("degraded_after", DEFAULT_DEGRADED_AFTER, 1, 1000);
            int maxBody = (int) integer("max_body_bytes", DEFAULT_MAX_BODY_BYTES, 1024, 64L * 1024 * 1024);
            double spread = number("default_spread", 0.0, 0, true, 1);
            double scale = number("price_scale", 1.0, 0, false, 1e9);
            if (node.has("default_spread") && kind == ConnectorKind.DECIMAL_ODDS) {
                bad("default_spread", "applies to kind probability or price only");
            }
            if (node.has("price_scale") && kind != null && kind != ConnectorKind.PRICE) {
                bad("price_scale", "applies to kind price only (probabilities are in [0, 1])");
            }
            Map<String, String> headers = headers();
            FieldMapping mapping = mapping(kind);
            Map<String, MarketId> markets = translation("market_map", MarketId::of, MarketId.RULE);
            Map<String, OutcomeId> outcomes = translation("outcome_map", OutcomeId::of, OutcomeId.RULE);
            if (problems.size() > before || id == null || url == null || kind == null || mapping == null) {
                return Optional.empty();
            }
            return Optional.of(new ConnectorSpec(SourceId.of(id), url, kind, interval, timeout, retries, backoff,
                    rate, degradedAfter, maxBody, spread, scale, headers, mapping, markets, outcomes));
        }

        private void unknownKeys(JsonNode table, Set<String> known, String prefix) {
            for (Iterator<String> it = table.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!known.contains(key)) {
                    bad(prefix + key, "unknown key (known: " + String.join(", ", new java.util.TreeSet<>(known))
                            + ")");
                }
            }
        }

        private URI url() {
            JsonNode n = node.get("url");
            if (n == null || !n.isTextual()) {
                bad("url", n == null ? "is required" : "must be a string");
                return null;
            }
            URI url;
            try {
                url = new URI(n.textValue().strip());
            } catch (URISyntaxException e) {
                bad("url", "must be an absolute http:// or https:// URL (it does not parse at index " + e.getIndex()
                        + ")");
                return null;
            }
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
                bad("url", "must be an absolute http:// or https:// URL with a host");
                return null;
            }
            if (url.getRawUserInfo() != null) {
                bad("url", "must not hold credentials (user info); put them in [connector.headers] with env:NAME");
                return null;
            }
            return url;
        }

        private ConnectorKind kind() {
            JsonNode n = node.get("kind");
            if (n == null || !n.isTextual()) {
                bad("kind", (n == null ? "is required" : "must be a string") + ": " + ConnectorKind.ids());
                return null;
            }
            Optional<ConnectorKind> k = ConnectorKind.of(n.textValue());
            if (k.isEmpty()) {
                bad("kind", "must be " + ConnectorKind.ids() + ", got '" + n.textValue() + "'");
                return null;
            }
            return k.get();
        }

        private long integer(String field, long fallback, long min, long max) {
            JsonNode n = node.get(field);
            if (n == null) {
                return fallback;
            }
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                bad(field, "must be an integer in " + min + ".." + max);
                return fallback;
            }
            long v = n.longValue();
            if (v < min || v > max) {
                bad(field, "must be in " + min + ".." + max + ", got " + v);
                return fallback;
            }
            return v;
        }

        private double number(String field, double fallback, double min, boolean minInclusive, double max) {
            JsonNode n = node.get(field);
            if (n == null) {
                return fallback;
            }
            String range = (minInclusive ? "[" : "(") + trim(min) + ", " + trim(max) + "]";
            if (!n.isNumber()) {
                bad(field, "must be a number in " + range);
                return fallback;
            }
            double v = n.doubleValue();
            if (!(Double.isFinite(v) && (minInclusive ? v >= min : v > min) && v <= max)) {
                bad(field, "must be in " + range + ", got " + v);
                return fallback;
            }
            return v;
        }

        private static String trim(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }

        private Map<String, String> headers() {
            JsonNode n = node.get("headers");
            Map<String, String> out = new LinkedHashMap<>();
            if (n == null) {
                return out;
            }
            if (!n.isObject()) {
                bad("headers", "must be a table of header name = \"value\" or \"env:NAME\"");
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                String name = e.getKey();
                String field = "headers." + name;
                if (!HEADER_NAME.matcher(name).matches()) {
                    bad(field, "must be an HTTP header name (token characters)");
                    continue;
                }
                if (RESTRICTED_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    bad(field, "is set by the HTTP client and cannot be configured");
                    continue;
                }
                if (!e.getValue().isTextual()) {
                    bad(field, "must be a string (the value, or env:NAME to read it from the environment)");
                    continue;
                }
                String value = e.getValue().textValue();
                if (value.startsWith("env:")) {
                    String var = value.substring(4);
                    if (!ENV_NAME.matcher(var).matches()) {
                        bad(field, "env:NAME needs an environment variable name, got 'env:" + var + "'");
                        continue;
                    }
                    String fromEnv = env.get(var);
                    if (fromEnv == null || fromEnv.isEmpty()) {
                        bad(field, "the environment variable " + var + " it names is not set");
                        continue;
                    }
                    value = fromEnv;
                }
                if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                    bad(field, "must not contain CR, LF or NUL");
                    continue;
                }
                out.put(name, value);
            }
            return out;
        }

        private FieldMapping mapping(ConnectorKind kind) {
            JsonNode m = node.get("mapping");
            if (m == null || !m.isObject()) {
                bad("mapping", m == null ? "is required: a [connector.mapping] table of JSON pointers (items,"
                        + " market, outcomes, outcome, value; optional ts_ms, spread)" : "must be a table");
                return null;
            }
            int mark = problems.size();
            unknownKeys(m, MAPPING_KEYS, "mapping.");
            JsonPointer items = pointer(m, "items", true);
            JsonPointer market = pointer(m, "market", true);
            JsonPointer outcomes = pointer(m, "outcomes", true);
            JsonPointer outcome = pointer(m, "outcome", true);
            JsonPointer value = pointer(m, "value", true);
            JsonPointer ts = pointer(m, "ts_ms", false);
            JsonPointer spread = pointer(m, "spread", false);
            if (spread != null && kind == ConnectorKind.DECIMAL_ODDS) {
                bad("mapping.spread", "applies to kind probability or price only");
            }
            if (problems.size() > mark) {
                return null;
            }
            return new FieldMapping(items, market, outcomes, outcome, value, Optional.ofNullable(ts),
                    Optional.ofNullable(spread));
        }

        private JsonPointer pointer(JsonNode m, String key, boolean required) {
            JsonNode n = m.get(key);
            String field = "mapping." + key;
            if (n == null) {
                if (required) {
                    bad(field, "is required (a JSON pointer such as \"/" + key + "\", or \"\" for the node itself)");
                }
                return null;
            }
            if (!n.isTextual()) {
                bad(field, "must be a string holding a JSON pointer");
                return null;
            }
            String text = n.textValue();
            if (!text.isEmpty() && !text.startsWith("/")) {
                bad(field, "must be a JSON pointer: \"\" or starting with '/', got '" + text + "'");
                return null;
            }
            try {
                return JsonPointer.compile(text);
            } catch (IllegalArgumentException e) {
                bad(field, "must be a JSON pointer (RFC 6901): " + e.getMessage());
                return null;
            }
        }

        private <T> Map<String, T> translation(String key, java.util.function.Function<String, T> parse,
                String rule) {
            JsonNode n = node.get(key);
            Map<String, T> out = new LinkedHashMap<>();
            if (n == null) {
                return out;
            }
            if (!n.isObject()) {
                bad(key, "must be a table of \"endpoint name\" = \"id\"");
                return out;
            }
            Set<String> names = new LinkedHashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                names.add(e.getKey());
                String field = key + "." + e.getKey();
                if (!e.getValue().isTextual()) {
                    bad(field, "must be a string matching " + rule);
                    continue;
                }
                try {
                    out.put(e.getKey(), parse.apply(e.getValue().textValue()));
                } catch (IllegalArgumentException ex) {
                    bad(field, "must match " + rule + ", got '" + e.getValue().textValue() + "'");
                }
            }
            return out;
        }
    }
}
