package com.m0club.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 item 1: outside dev the bundler reads the agents' token from {@code signer_auth_token_file}; a key that is
 * unset, a missing, empty or unreadable file each stop the start with a message naming the key.
 */
class SignerTokenFileTest {
    private static final String KEY = "signer_auth_token_file (M0_SIGNER_AUTH_TOKEN_FILE)";

    @TempDir
    Path dir;

    @Test
    void anUnsetKeyFailsNamingIt() {
        assertThatThrownBy(() -> OracleNode.signerTokenFile(Optional.empty())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(KEY).hasMessageContaining("required");
    }

    @Test
    void aMissingFileFailsNamingTheKeyAndTheFile() {
        Path missing = dir.resolve("absent.token");
        assertThatThrownBy(() -> OracleNode.signerTokenFile(Optional.of(missing)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(KEY)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void anEmptyFileFailsNamingTheKey() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.token"), "  \n");
        assertThatThrownBy(() -> OracleNode.signerTokenFile(Optional.of(empty)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(KEY)
                .hasMessageContaining(empty.toString());
    }

    @Test
    void anUnreadableFileFailsNamingTheKey() throws IOException {
        Path locked = Files.writeString(dir.resolve("locked.token"), "0123456789abcdef0123456789abcdef");
        try {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        } catch (UnsupportedOperationException e) {
            return; // no POSIX permissions here
        }
        if (Files.isReadable(locked)) {
            return; // running as root: permissions do not stop the read
        }
        assertThatThrownBy(() -> OracleNode.signerTokenFile(Optional.of(locked)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(KEY)
                .hasMessageContaining(locked.toString());
    }

    @Test
    void aReadableTokenIsUsed() throws IOException {
        Path ok = Files.writeString(dir.resolve("ok.token"), "0123456789abcdef0123456789abcdef\n");
        assertThat(OracleNode.signerTokenFile(Optional.of(ok))).isNotNull();
    }
}
