package com.m0club.signer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The optional shared secret between the bundler's threshold client and the signer agents ({@code Authorization:
 * Bearer <token>}). The agent compares SHA-256 digests with {@link MessageDigest#isEqual}, so the comparison takes
 * the same time whatever the presented token is. {@link #toString} never shows the token.
 *
 * <p>This is a stop-gap: it keeps stray pods from asking for signatures, but it is one secret shared by every client.
 * Mutual TLS (each agent accepting only the bundler's client certificate) is the planned replacement.
 */
public final class BearerToken {
    /** Shortest accepted token: shorter secrets are guessable. */
    public static final int MIN_LENGTH = 16;
    private static final String SCHEME = "Bearer ";

    private final byte[] token;
    private final byte[] digest;

    private BearerToken(byte[] token) {
        this.token = token;
        this.digest = sha256(token);
    }

    /** A token of printable ASCII, at least {@value #MIN_LENGTH} characters. */
    public static BearerToken of(String token) {
        if (token == null || token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("bearer token must be at least " + MIN_LENGTH + " characters, got "
                    + (token == null ? "none" : token.length()));
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("bearer token must be printable ASCII without spaces; character "
                        + i + " is not");
            }
        }
        return new BearerToken(token.getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads a token from a file (surrounding whitespace and the trailing newline are ignored). */
    public static BearerToken fromFile(Path file) {
        try {
            return of(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new IllegalArgumentException("bearer token file " + file + " cannot be read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bearer token file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A fresh random token (32 bytes of {@link java.security.SecureRandom}, hex): for {@code m0 dev}. */
    public static BearerToken random() {
        byte[] b = new byte[32];
        new java.security.SecureRandom().nextBytes(b);
        return of(java.util.HexFormat.of().formatHex(b));
    }

    /**
     * Reads the token in {@code file}, or creates the file with a {@link #random} token, owner-only (0600) from the
     * start where the file system supports POSIX permissions.
     */
    public static BearerToken loadOrGenerate(Path file) {
        if (Files.exists(file)) {
            return fromFile(file);
        }
        BearerToken t = random();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.write(file, t.token);
        } catch (IOException e) {
            throw new IllegalArgumentException("bearer token file " + file + " cannot be created: " + e.getMessage(),
                    e);
        }
        return t;
    }

    /** True when {@code authorization} is {@code "Bearer <this token>"}; constant time in the presented token. */
    public boolean matches(Optional<String> authorization) {
        if (authorization.isEmpty()) {
            return false;
        }
        String value = authorization.get();
        if (value.length() < SCHEME.length() || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] presented = value.substring(SCHEME.length()).strip().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    /** The header value a client sends. */
    public String authorizationHeader() {
        return SCHEME + new String(token, StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "BearerToken[<redacted>]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BearerToken t && MessageDigest.isEqual(digest, t.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
