package com.m0club.devkit.postgres;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Who the PostgreSQL programs run as. PostgreSQL refuses to run as root ({@code initdb: cannot be run as root},
 * {@code "root" execution of the PostgreSQL server is not permitted}), and everything here (CI, containers) runs as
 * root. Three modes, picked by {@link #detect()}:
 *
 * <ol>
 *   <li>{@link Mode#CURRENT_USER}: the JVM is not root; the programs run as its user.</li>
 *   <li>{@link Mode#USER_NAMESPACE}: the JVM is root and the kernel allows user namespaces: every program runs under
 *       {@code unshare --user} (util-linux). Inside a fresh user namespace without a uid map the process sees itself
 *       as the overflow user (65534), so PostgreSQL's root check passes, while the kernel still treats it as root for
 *       file ownership: the data directory stays owned by root, no chown is needed, and any directory root can reach
 *       works (a project under {@code /root} too). This is what the zonky launcher does; preferred for those
 *       reasons.</li>
 *   <li>{@link Mode#UNPRIVILEGED_USER}: the JVM is root but user namespaces are disabled (for example Docker's
 *       default seccomp profile): the programs run as the existing account {@code nobody} through
 *       {@code setpriv --reuid --regid --clear-groups}, and the data directory, log and initdb target are chowned to
 *       it. {@code nobody} because it exists on every Debian-like system, owns no files and cannot log in, and m0
 *       must not create system accounts. Its cost: every parent directory of the data and binaries must be
 *       traversable by others ({@link #requireReachable} says which one is not).</li>
 * </ol>
 */
final class ServerUser {
    /** How the PostgreSQL programs are run. */
    enum Mode {
        CURRENT_USER,
        USER_NAMESPACE,
        UNPRIVILEGED_USER
    }

    private static final String UNPRIVILEGED = "nobody";

    private final Mode mode;
    private final List<String> prefix;
    private final Account owner;

    private ServerUser(Mode mode, List<String> prefix, Account owner) {
        this.mode = mode;
        this.prefix = List.copyOf(prefix);
        this.owner = owner;
    }

    /** The account that must own the data directory in this mode. */
    private record Account(String name, String group, int uid, int gid) {}

    /** The best mode for this process, probing the system once. */
    static ServerUser detect() {
        if (currentUid() != 0) {
            return new ServerUser(Mode.CURRENT_USER, List.of(), currentAccount());
        }
        Optional<Path> unshare = findProgram("unshare");
        if (unshare.isPresent() && userNamespacesWork(unshare.get())) {
            return userNamespace(unshare.get());
        }
        Optional<Path> setpriv = findProgram("setpriv");
        if (setpriv.isPresent()) {
            return unprivileged(setpriv.get());
        }
        throw new EmbeddedPostgresException("this process runs as root and PostgreSQL refuses to run as root; m0 runs"
                + " it through `unshare --user` (user namespaces " + (unshare.isPresent() ? "are disabled here"
                        : "need util-linux's unshare") + ") or `setpriv` to the user nobody (setpriv is not installed)."
                + " Install util-linux (apt-get install util-linux), run m0 as a non-root user, or set"
                + " M0_POSTGRES_URL to an external PostgreSQL");
    }

    /** A given mode, for tests that exercise each one on the same machine. */
    static ServerUser of(Mode mode) {
        return switch (mode) {
            case CURRENT_USER -> new ServerUser(Mode.CURRENT_USER, List.of(), currentAccount());
            case USER_NAMESPACE -> userNamespace(findProgram("unshare").orElseThrow(
                    () -> new EmbeddedPostgresException("unshare (util-linux) is not installed")));
            case UNPRIVILEGED_USER -> unprivileged(findProgram("setpriv").orElseThrow(
                    () -> new EmbeddedPostgresException("setpriv (util-linux) is not installed")));
        };
    }

    private static ServerUser userNamespace(Path unshare) {
        return new ServerUser(Mode.USER_NAMESPACE, List.of(unshare.toString(), "--user"), currentAccount());
    }

    private static ServerUser unprivileged(Path setpriv) {
        Account a = lookup(Optional.of(UNPRIVILEGED));
        return new ServerUser(Mode.UNPRIVILEGED_USER, List.of(setpriv.toString(), "--reuid=" + a.uid(),
                "--regid=" + a.gid(), "--clear-groups"), a);
    }

    Mode mode() {
        return mode;
    }

    /** The command, prefixed so that it runs as this server user. */
    List<String> wrap(List<String> command) {
        List<String> out = new ArrayList<>(prefix);
        out.addAll(command);
        return out;
    }

    /**
     * Makes {@code path} (recursively) owned by the account the server runs as in this mode: {@code nobody} for
     * {@link Mode#UNPRIVILEGED_USER}, the JVM's user otherwise. A data directory used in another mode before (say,
     * in a container without user namespaces, then on the host) is handed back; files another user owns are an
     * error naming them, since only root may give them away.
     */
    void own(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        UserPrincipalLookupService names = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = names.lookupPrincipalByName(owner.name());
        GroupPrincipal group = names.lookupPrincipalByGroupName(owner.group());
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.toList()) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                try {
                    var attributes = view.readAttributes();
                    if (!attributes.owner().equals(user)) {
                        view.setOwner(user);
                    }
                    if (!attributes.group().equals(group)) {
                        view.setGroup(group);
                    }
                } catch (java.nio.file.FileSystemException e) {
                    throw new EmbeddedPostgresException(p + " is owned by " + view.getOwner().getName()
                            + ", but the PostgreSQL server runs as " + owner.name() + " and cannot take it over: "
                            + "chown -R " + owner.name() + " " + path + " (as root), or use another data directory",
                            e);
                }
            }
        }
    }

    /**
     * Checks that the server user can reach {@code path}: every existing ancestor must be traversable by "others"
     * (the unprivileged user owns none of them).
     */
    void requireReachable(Path path) throws IOException {
        if (mode != Mode.UNPRIVILEGED_USER) {
            return;
        }
        for (Path p = path.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (!Files.exists(p)) {
                continue;
            }
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new EmbeddedPostgresException("PostgreSQL runs as the unprivileged user " + owner.name()
                        + " here (root, and no user namespaces), and that user cannot enter " + p + " (no o+x"
                        + " permission) on the way to " + path + ": run `chmod o+x " + p + "`, use a data"
                        + " directory outside it, or run m0 as a non-root user");
            }
        }
    }

    String describe() {
        return switch (mode) {
            case CURRENT_USER -> "the current user";
            case USER_NAMESPACE -> "root inside a user namespace (unshare --user)";
            case UNPRIVILEGED_USER -> "user " + owner.name() + " (setpriv)";
        };
    }

    /** The effective uid of this process: {@code /proc/self} is owned by it. */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static boolean userNamespacesWork(Path unshare) {
        Optional<String> out = runQuietly(List.of(unshare.toString(), "--user", "id", "-u"));
        return out.isPresent() && !out.get().strip().equals("0");
    }

    private static Account currentAccount() {
        return lookup(Optional.empty());
    }

    /** Looks an account up with {@code id} (so NSS sources count too); empty name = this process's user. */
    private static Account lookup(Optional<String> name) {
        List<String> who = name.map(List::of).orElse(List.of());
        Optional<String> user = runQuietly(concat(List.of("id", "-un"), who));
        Optional<String> group = runQuietly(concat(List.of("id", "-gn"), who));
        Optional<String> uid = runQuietly(concat(List.of("id", "-u"), who));
        Optional<String> gid = runQuietly(concat(List.of("id", "-g"), who));
        if (user.isEmpty() || group.isEmpty() || uid.isEmpty() || gid.isEmpty()) {
            throw new EmbeddedPostgresException(name.map(n -> "this process runs as root, PostgreSQL refuses root,"
                    + " user namespaces are unavailable and the fallback account '" + n + "' does not exist: run m0"
                    + " as a non-root user, or set M0_POSTGRES_URL to an external PostgreSQL")
                    .orElse("cannot tell which user this process runs as (`id` failed)"));
        }
        return new Account(user.get().strip(), group.get().strip(), Integer.parseInt(uid.get().strip()),
                Integer.parseInt(gid.get().strip()));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static Optional<Path> findProgram(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Output of a short command that exited 0 within 10 s; empty otherwise. */
    private static Optional<String> runQuietly(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
