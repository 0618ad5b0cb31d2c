package com.m0club.signer.keystore;

import com.m0club.protocol.sign.SigningKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's Ed25519 key on disk: one file, one key.
 *
 * <p><b>Format.</b> The file holds the key's 32-byte RFC 8032 private seed as 64 lowercase hex characters followed by
 * one newline ({@link #generate} writes exactly this). {@link #load} also accepts upper-case hex, no trailing newline,
 * or the 32 raw seed bytes (so {@code head -c 32 /dev/urandom > agent.key} works); the two are told apart by length.
 *
 * <p><b>Permissions.</b> The file is created owner-only ({@code rw-------}); a key directory this class creates is
 * owner-only too ({@code rwx------}). {@link #load} refuses a file that grants any permission to group or others: a
 * key that other accounts could read must be treated as leaked, not silently used. (In Kubernetes mount the secret
 * with {@code defaultMode: 0400} and no {@code fsGroup} on that volume.) The file system must support POSIX
 * permissions.
 *
 * <p>Nothing here logs or formats key material: messages name the path and the public key only.
 */
public final class KeyStoreFile {
    private static final Logger LOG = LoggerFactory.getLogger(KeyStoreFile.class);

    private static final Set<PosixFilePermission> OWNER_RW =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_RWX = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final int HEX_LENGTH = SigningKey.SEED_LENGTH * 2;
    /** Longest file {@link #load} reads: hex, CR LF and a little slack; anything longer is not a key file. */
    private static final int MAX_FILE_BYTES = HEX_LENGTH + 8;

    private KeyStoreFile() {}

    /** {@code <dataDir>/keys/agent-<n>.key}: where {@code m0 dev} and {@code m0 signer keygen} put agent keys. */
    public static Path defaultPath(Path dataDir, int agentIndex) {
        if (agentIndex < 0) {
            throw new IllegalArgumentException("agent index must be >= 0, got " + agentIndex);
        }
        return dataDir.resolve("keys").resolve("agent-" + agentIndex + ".key");
    }

    /**
     * Creates a new key file at {@code path} with a fresh key from {@link SecureRandom}; refuses to overwrite an
     * existing file. This is what {@code m0 signer keygen} calls.
     *
     * @return the new key's public key, hex
     */
    public static String generate(Path path) {
        return generate(path, new SecureRandom()).publicKey().toHex();
    }

    /** Creates a new key file with a key from {@code random} and returns the key. Tests pass a seeded random. */
    public static SigningKey generate(Path path, SecureRandom random) {
        SigningKey key = SigningKey.generate(random);
        write(path, key);
        LOG.info("generated signer key file {} (public key {})", path, key.publicKey().toHex());
        return key;
    }

    /** Loads the key at {@code path}, creating it first if there is no file there (the {@code m0 dev} path). */
    public static SigningKey loadOrGenerate(Path path) {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return load(path);
        }
        try {
            return generate(path, new SecureRandom());
        } catch (KeyFileException e) {
            if (e.getCause() instanceof FileAlreadyExistsException) {
                return load(path); // created concurrently by another caller: use theirs
            }
            throw e;
        }
    }

    /**
     * Loads the key at {@code path}. Refuses a missing, non-regular, group- or other-accessible, or malformed file,
     * each with a message naming the path and the rule (and never the file's content).
     */
    public static SigningKey load(Path path) {
        Set<PosixFilePermission> perms;
        try {
            if (!Files.isRegularFile(path)) {
                throw new KeyFileException(path, Files.exists(path) ? "is not a regular file"
                        : "does not exist (create one with `m0 signer keygen`)");
            }
            perms = Files.getPosixFilePermissions(path);
        } catch (UnsupportedOperationException e) {
            throw new KeyFileException(path, "the file system does not support POSIX permissions, so the key's "
                    + "owner-only access cannot be checked", e);
        } catch (IOException e) {
            throw new KeyFileException(path, "cannot read its permissions: " + e.getMessage(), e);
        }
        Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
        extra.addAll(perms);
        extra.retainAll(GROUP_OR_OTHERS);
        if (!extra.isEmpty()) {
            throw new KeyFileException(path, "is accessible by group or others (mode "
                    + PosixFilePermissions.toString(perms) + "); a signer key must be owner-only: chmod 600 " + path);
        }
        byte[] content;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX_FILE_BYTES) {
                throw new KeyFileException(path, "is " + size + " bytes; a key file is 32 raw bytes or 64 hex "
                        + "characters");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read until full or end of file
            }
            content = Arrays.copyOf(buf.array(), buf.position());
            Arrays.fill(buf.array(), (byte) 0);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(path, "does not exist (create one with `m0 signer keygen`)", e);
        } catch (IOException e) {
            throw new KeyFileException(path, "cannot be read: " + e.getMessage(), e);
        }
        byte[] seed = null;
        try {
            seed = decodeSeed(path, content);
            return SigningKey.fromSeed(seed);
        } finally {
            Arrays.fill(content, (byte) 0);
            if (seed != null) {
                Arrays.fill(seed, (byte) 0);
            }
        }
    }

    private static byte[] decodeSeed(Path path, byte[] content) {
        if (content.length == SigningKey.SEED_LENGTH) {
            return content.clone();
        }
        int end = content.length;
        while (end > 0 && (content[end - 1] == '\n' || content[end - 1] == '\r')) {
            end--;
        }
        if (end != HEX_LENGTH) {
            throw new KeyFileException(path, "is " + content.length + " bytes; a key file is 64 hex characters "
                    + "(optionally followed by a newline) or 32 raw bytes");
        }
        for (int i = 0; i < HEX_LENGTH; i++) {
            if (Character.digit(content[i], 16) < 0) {
                throw new KeyFileException(path, "character " + i + " is not a hex digit; a key file is 64 hex "
                        + "characters (optionally followed by a newline) or 32 raw bytes");
            }
        }
        byte[] seed = new byte[SigningKey.SEED_LENGTH];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) ((Character.digit(content[2 * i], 16) << 4) | Character.digit(content[2 * i + 1], 16));
        }
        return seed;
    }

    /**
     * Writes the key through a temporary owner-only file in the same directory, fsyncs it, and moves it into place, so
     * a crash leaves either no key file or a complete one.
     */
    private static void write(Path path, SigningKey key) {
        Path dir = path.toAbsolutePath().getParent();
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new KeyFileException(path, "already exists; refusing to overwrite a signer key",
                    new FileAlreadyExistsException(path.toString()));
        }
        Path tmp = null;
        byte[] seed = key.seed();
        byte[] text = (HexFormat.of().formatHex(seed) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            createOwnerOnlyDirectory(dir);
            FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(OWNER_RW);
            tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp", attr);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(text);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.setPosixFilePermissions(tmp, OWNER_RW); // in case a umask or ACL interfered
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(path.toString());
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path);
            }
            tmp = null;
            fsyncDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new KeyFileException(path, "already exists; refusing to overwrite a signer key", e);
        } catch (UnsupportedOperationException e) {
            throw new KeyFileException(path, "the file system does not support POSIX permissions, so the key "
                    + "cannot be created owner-only", e);
        } catch (IOException e) {
            throw new KeyFileException(path, "cannot be written: " + e.getMessage(), e);
        } finally {
            Arrays.fill(seed, (byte) 0);
            Arrays.fill(text, (byte) 0);
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is owner-only
                }
            }
        }
    }

    private static void createOwnerOnlyDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            Files.createDirectories(parent); // only the key directory itself is made owner-only
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_RWX));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
