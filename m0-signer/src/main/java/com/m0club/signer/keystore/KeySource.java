package com.m0club.signer.keystore;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Where the standalone agent's key comes from ({@code M0_SIGNER_KEY_SOURCE}):
 * <ul>
 *   <li>{@code file:/path/agent.key}: a {@link KeyStoreFile} (mode 0600/0400; mounted read-only is fine);</li>
 *   <li>{@code pkcs11:token=<label>;object=<key label>?module-path=<library>&pin-source=file:<pin file>}: an
 *       Ed25519 key in a PKCS#11 token (RFC 7512 syntax; {@code slot-id=<n>} may replace or narrow
 *       {@code token}; values are percent-decoded). The PIN file must be owner-only.</li>
 * </ul>
 */
public sealed interface KeySource permits KeySource.File, KeySource.Pkcs11 {
    /** Loads (or connects to) the key. */
    AgentKey open();

    record File(Path path) implements KeySource {
        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public AgentKey open() {
            return new AgentKey.InMemory(KeyStoreFile.load(path), "key file " + path);
        }
    }

    record Pkcs11(Path module, Optional<String> token, OptionalLong slot, String object, Path pinFile)
            implements KeySource {
        public Pkcs11 {
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(slot, "slot");
            Objects.requireNonNull(object, "object");
            Objects.requireNonNull(pinFile, "pinFile");
            if (token.isEmpty() && slot.isEmpty()) {
                throw new KeySourceException("pkcs11: token=<label> or slot-id=<n> is required");
            }
        }

        @Override
        public AgentKey open() {
            return Pkcs11Key.open(this);
        }

        @Override
        public String toString() {
            return "pkcs11:" + token.map(t -> "token=" + t).orElse("") + (slot.isPresent() ? ";slot-id="
                    + slot.getAsLong() : "") + ";object=" + object + "?module-path=" + module + "&pin-source=file:"
                    + pinFile;
        }
    }

    /** Parses {@code file:PATH} or a {@code pkcs11:} URI; errors name the part and the rule. */
    static KeySource parse(String value) {
        String v = Objects.requireNonNull(value, "value").strip();
        if (v.startsWith("file:")) {
            String path = v.substring("file:".length());
            if (path.isBlank()) {
                throw new KeySourceException("file: needs a path, e.g. file:/keys/agent.key");
            }
            return new File(Path.of(path));
        }
        if (!v.startsWith("pkcs11:")) {
            throw new KeySourceException("must be file:<path> or pkcs11:token=...;object=...?module-path=...&"
                    + "pin-source=file:..., got '" + v + "'");
        }
        String rest = v.substring("pkcs11:".length());
        int q = rest.indexOf('?');
        Map<String, String> path = attributes(q < 0 ? rest : rest.substring(0, q), ";",
                Set.of("token", "object", "slot-id", "type", "id"));
        Map<String, String> query = attributes(q < 0 ? "" : rest.substring(q + 1), "&",
                Set.of("module-path", "pin-source"));
        String module = query.get("module-path");
        if (module == null) {
            throw new KeySourceException("pkcs11: module-path=<PKCS#11 library> is required (e.g. "
                    + "/usr/lib/softhsm/libsofthsm2.so)");
        }
        String object = path.get("object");
        if (object == null) {
            throw new KeySourceException("pkcs11: object=<key label> is required");
        }
        if (path.containsKey("type") && !path.get("type").equals("private")) {
            throw new KeySourceException("pkcs11: type must be private (the signing key), got " + path.get("type"));
        }
        String pin = query.get("pin-source");
        if (pin == null) {
            throw new KeySourceException("pkcs11: pin-source=file:<path> is required (the user PIN, in an"
                    + " owner-only file)");
        }
        if (pin.startsWith("file:")) {
            pin = pin.substring("file:".length());
        }
        if (pin.isBlank() || pin.startsWith("|")) {
            throw new KeySourceException("pkcs11: pin-source must be file:<path>, got '" + query.get("pin-source")
                    + "'");
        }
        OptionalLong slot = OptionalLong.empty();
        if (path.containsKey("slot-id")) {
            try {
                slot = OptionalLong.of(Long.parseLong(path.get("slot-id")));
            } catch (NumberFormatException e) {
                throw new KeySourceException("pkcs11: slot-id must be an integer, got " + path.get("slot-id"));
            }
        }
        return new Pkcs11(Path.of(module), Optional.ofNullable(path.get("token")), slot, object, Path.of(pin));
    }

    private static Map<String, String> attributes(String part, String separator, Set<String> allowed) {
        Map<String, String> out = new LinkedHashMap<>();
        if (part.isEmpty()) {
            return out;
        }
        for (String attr : part.split(separator)) {
            int eq = attr.indexOf('=');
            if (eq <= 0) {
                throw new KeySourceException("pkcs11: '" + attr + "' is not name=value");
            }
            String name = attr.substring(0, eq);
            if (!allowed.contains(name)) {
                throw new KeySourceException("pkcs11: unknown attribute '" + name + "' (allowed: "
                        + new java.util.TreeSet<>(allowed) + ")");
            }
            String raw = attr.substring(eq + 1).replace("+", "%2B");
            out.put(name, URLDecoder.decode(raw, StandardCharsets.UTF_8));
        }
        return out;
    }
}
