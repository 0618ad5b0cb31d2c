package com.m0club.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.m0club.runtime.log.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Loads a {@link Config}: for each key, an environment variable overrides the TOML file, which overrides the
 * built-in default of the active profile. Every problem is collected before failing, so one
 * {@link ConfigException} lists them all.
 *
 * <p>Rules: an env var set to the empty string counts as unset (Kubernetes manifests often template empty
 * values); TOML keys outside the schema are errors (typo protection: a misspelt key would otherwise be silently
 * ignored); unknown env vars with a watched prefix ({@code M0_}) are only warnings, because the environment is
 * shared with the platform. TOML arrays of values are read as comma-joined text, the same form env vars use.
 *
 * <p>Pure function of its arguments: it reads the file it is given and nothing else (no {@code System.getenv}).
 */
public final class ConfigLoader {

    private static final TomlMapper TOML = new TomlMapper();
    private static final int MAX_PARSE_MESSAGE = 300;

    private ConfigLoader() {
    }

    /**
     * Loads and validates.
     *
     * @param schema the keys the process understands
     * @param env the environment (pass {@code System.getenv()} in production, a map in tests)
     * @param tomlFile optional TOML file; if given it must exist
     * @throws ConfigException listing every problem, each naming the key and its source
     */
    public static Config load(ConfigSchema schema, Map<String, String> env, Optional<Path> tomlFile) {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(tomlFile, "tomlFile");
        List<String> problems = new ArrayList<>();
        Map<String, TomlLeaf> toml = tomlFile.map(file -> readToml(schema, file, problems)).orElse(Map.of());

        Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
        Map<ConfigKey<?>, ValueSource> sources = new LinkedHashMap<>();
        Set<ConfigKey<?>> invalid = new LinkedHashSet<>();

        ConfigKey<Profile> profileKey = schema.profileKey();
        // The profile key picks the defaults of every other key, so it is resolved first, under any profile's
        // default (a profile key's default must not itself depend on the profile).
        resolve(profileKey, Profile.DEV, env, toml, values, sources, invalid, problems);
        Profile profile = Optional.ofNullable(values.get(profileKey)).map(profileKey::cast).orElse(Profile.DEV);
        for (ConfigKey<?> key : schema.keys()) {
            if (!key.equals(profileKey)) {
                resolve(key, profile, env, toml, values, sources, invalid, problems);
            }
        }

        List<String> warnings = unknownEnvWarnings(schema, env);
        Config config = new Config(schema, profile, values, sources, warnings);
        for (ConfigConstraint constraint : schema.constraints()) {
            checkConstraint(constraint, config, values, invalid, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static <T> void resolve(ConfigKey<T> key, Profile profile, Map<String, String> env,
            Map<String, TomlLeaf> toml, Map<ConfigKey<?>, Object> values, Map<ConfigKey<?>, ValueSource> sources,
            Set<ConfigKey<?>> invalid, List<String> problems) {
        String fromEnv = env.get(key.envVar());
        ValueSource source;
        String raw;
        if (fromEnv != null && !fromEnv.isEmpty()) {
            source = new ValueSource.Env(key.envVar());
            raw = fromEnv;
        } else if (toml.containsKey(key.tomlPath())) {
            TomlLeaf leaf = toml.get(key.tomlPath());
            source = new ValueSource.Toml(leaf.file(), key.tomlPath());
            raw = leaf.text();
        } else {
            Optional<T> fallback = key.defaultFor(profile);
            if (fallback.isPresent()) {
                T value = fallback.get();
                source = new ValueSource.Default(profile);
                // Defaults are validated too: a schema bug should fail loudly, not ship a bad value.
                if (accept(key, value, source, key.type().render(value), problems)) {
                    values.put(key, value);
                    sources.put(key, source);
                } else {
                    invalid.add(key);
                }
            } else if (key.isRequiredIn(profile)) {
                problems.add(key.name() + " (not set): required when env=" + profile.id() + ", set ENV "
                        + key.envVar() + " or TOML " + key.tomlPath());
                invalid.add(key);
            }
            return;
        }
        T value;
        try {
            value = key.type().parse(raw);
        } catch (IllegalArgumentException e) {
            problems.add(problem(key, source, e.getMessage(), raw));
            invalid.add(key);
            return;
        }
        if (accept(key, value, source, raw, problems)) {
            values.put(key, value);
            sources.put(key, source);
        } else {
            invalid.add(key);
        }
    }

    private static <T> boolean accept(ConfigKey<T> key, T value, ValueSource source, String raw,
            List<String> problems) {
        List<String> broken = key.brokenRules(value);
        for (String rule : broken) {
            problems.add(problem(key, source, rule, raw));
        }
        return broken.isEmpty();
    }

    private static String problem(ConfigKey<?> key, ValueSource source, String rule, String raw) {
        return key.name() + " (from " + source.describe() + "): " + rule + ", got " + shown(key, raw);
    }

    private static String shown(ConfigKey<?> key, String raw) {
        return key.secret() ? "<redacted secret>" : "'" + Redactor.redact(raw) + "'";
    }

    private static void checkConstraint(ConfigConstraint constraint, Config config,
            Map<ConfigKey<?>, Object> values, Set<ConfigKey<?>> invalid, List<String> problems) {
        for (ConfigKey<?> key : constraint.keys()) {
            if (invalid.contains(key) || !values.containsKey(key)) {
                return;
            }
        }
        if (constraint.test().test(config)) {
            return;
        }
        String names = constraint.keys().stream().map(ConfigKey::name).collect(Collectors.joining(", "));
        String got = constraint.keys().stream()
                .map(key -> key.name() + "=" + shown(key, key.render(values.get(key))) + " (from "
                        + config.source(key).map(ValueSource::describe).orElse("?") + ")")
                .collect(Collectors.joining(", "));
        problems.add(names + ": " + constraint.rule() + ", got " + got);
    }

    private static List<String> unknownEnvWarnings(ConfigSchema schema, Map<String, String> env) {
        Set<String> knownNames = new TreeSet<>(schema.knownEnv());
        schema.keys().forEach(key -> knownNames.add(key.envVar()));
        List<String> warnings = new ArrayList<>();
        // Sorted so the warning list does not depend on the map's iteration order.
        for (String name : new TreeSet<>(env.keySet())) {
            boolean watched = schema.warnPrefixes().stream().anyMatch(name::startsWith);
            if (watched && !knownNames.contains(name)) {
                warnings.add("unknown environment variable " + name + " is ignored"
                        + Suggestions.closest(name, knownNames).map(s -> " (did you mean " + s + "?)").orElse(""));
            }
        }
        return warnings;
    }

    /** A TOML value as text plus the file it came from. */
    private record TomlLeaf(Path file, String text) {
    }

    private static Map<String, TomlLeaf> readToml(ConfigSchema schema, Path file, List<String> problems) {
        if (!Files.isRegularFile(file)) {
            problems.add("TOML file " + file + ": not found (or not a regular file)");
            return Map.of();
        }
        JsonNode root;
        try {
            root = TOML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            String message = Redactor.redact(String.valueOf(e.getOriginalMessage()));
            if (message.length() > MAX_PARSE_MESSAGE) {
                message = message.substring(0, MAX_PARSE_MESSAGE) + "...";
            }
            String location = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            problems.add("TOML file " + file + ": not valid TOML" + location + ": " + message);
            return Map.of();
        } catch (IOException e) {
            problems.add("TOML file " + file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            return Map.of();
        }
        Set<String> leaves = new TreeSet<>();
        Set<String> tables = new TreeSet<>();
        for (ConfigKey<?> key : schema.keys()) {
            leaves.add(key.tomlPath());
            String path = key.tomlPath();
            for (int dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
                tables.add(path.substring(0, dot));
            }
        }
        Map<String, TomlLeaf> result = new LinkedHashMap<>();
        if (root != null) {
            flatten(file, root, "", leaves, tables, result, problems);
        }
        return result;
    }

    private static void flatten(Path file, JsonNode table, String prefix, Set<String> leaves, Set<String> tables,
            Map<String, TomlLeaf> out, List<String> problems) {
        for (Map.Entry<String, JsonNode> field : table.properties()) {
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject() && tables.contains(path)) {
                flatten(file, value, path, leaves, tables, out, problems);
            } else if (!leaves.contains(path)) {
                Set<String> known = new TreeSet<>(leaves);
                known.addAll(tables);
                problems.add(path + " (from TOML " + file + ":" + path + "): unknown key"
                        + Suggestions.closest(path, known).map(s -> ", did you mean " + s + "?").orElse(""));
            } else {
                Optional<String> text = leafText(value);
                if (text.isPresent()) {
                    out.put(path, new TomlLeaf(file, text.get()));
                } else {
                    problems.add(path + " (from TOML " + file + ":" + path
                            + "): must be a value or an array of values, got a table");
                }
            }
        }
    }

    private static Optional<String> leafText(JsonNode value) {
        if (value.isValueNode()) {
            return Optional.of(value.asText());
        }
        if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode element : value) {
                if (!element.isValueNode()) {
                    return Optional.empty();
                }
                parts.add(element.asText());
            }
            return Optional.of(String.join(",", parts));
        }
        return Optional.empty();
    }
}
