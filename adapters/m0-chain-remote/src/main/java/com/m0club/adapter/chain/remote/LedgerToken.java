package com.m0club.adapter.chain.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The shared secret between a {@link LedgerServer} and its {@link RemoteLedger} clients ({@code Authorization: Bearer
 * <token>}, file {@code ledger_auth_token_file}, env {@code M0_LEDGER_AUTH_TOKEN_FILE}). The server compares SHA-256
 * digests with {@link MessageDigest#isEqual}, so the comparison takes the same time whatever the presented token;
 * {@link #toString} never shows the token. One secret for every client: enough to keep strangers from writing to a
 * stand-in ledger, not a replacement for the admin keys of the Solana program.
 */
public final class LedgerToken {
    /** Shortest accepted token: shorter secrets are guessable. */
    public static final int MIN_LENGTH = 16;
    private static final String SCHEME = "Bearer ";

    private final String token;
    private final byte[] digest;

    private LedgerToken(String token) {
        this.token = token;
        this.digest = sha256(token.getBytes(StandardCharsets.US_ASCII));
    }

    /** A token of printable ASCII without spaces, at least {@value #MIN_LENGTH} characters. */
    public static LedgerToken of(String token) {
        if (token == null || token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("ledger token must be at least " + MIN_LENGTH + " characters, got "
                    + (token == null ? "none" : token.length()));
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("ledger token must be printable ASCII without spaces; character "
                        + i + " is not");
            }
        }
        return new LedgerToken(token);
    }

    /** Reads a token from {@code file} (surrounding whitespace and the trailing newline are ignored). */
    public static LedgerToken fromFile(Path file) {
        try {
            return of(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new IllegalArgumentException("ledger token file " + file + " cannot be read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ledger token file " + file + ": " + e.getMessage(), e);
        }
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

    /** The {@code Authorization} header value a client sends. */
    public String authorizationHeader() {
        return SCHEME + token;
    }

    @Override
    public String toString() {
        return "LedgerToken[<redacted>]";
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
