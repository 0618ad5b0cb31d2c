package com.m0club.adapter.eventlog.nats.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@code nats-server} with JetStream of the test's own: {@code nats-server -js -a 127.0.0.1 -p <free port> -sd
 * <temp dir>}, so tests neither need nor touch a server the machine may run, and two runs never share a port or a
 * store. {@link #kill()} stops it with SIGKILL (a crash: nothing flushed on the way out), {@link #restart()} starts it
 * again on the same port and store directory, so clients reconnect to it and find their streams and consumers.
 *
 * <p>The binary is Debian's {@code nats-server} ({@code /usr/sbin/nats-server}; {@code ./m0 test} installs it when it
 * is missing and it can). Where it is not installed the calling test is skipped (a JUnit assumption), naming what to
 * install.
 */
public final class NatsServerProcess implements AutoCloseable {
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/nats-server"),
            Path.of("/usr/bin/nats-server"), Path.of("/usr/local/bin/nats-server"));
    private static final long READY_TIMEOUT_MS = 20_000;
    /** The servers still running, killed when the JVM exits (a test that forgot close() leaves no orphan). */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "nats-server-reaper"));
    }

    private final Path binary;
    private final Path dir;
    private int port;
    private int starts;
    private Process process;

    private NatsServerProcess(Path binary, Path dir) {
        this.binary = binary;
        this.dir = dir;
    }

    /** Starts a server on a free port; skips the calling test when nats-server is not installed. */
    public static NatsServerProcess start() {
        Optional<Path> binary = find();
        Assumptions.assumeTrue(binary.isPresent(), "nats-server is not installed (Debian: apt-get install"
                + " nats-server; ./m0 test installs it when run as root)");
        Path dir;
        try {
            dir = Files.createTempDirectory("m0-nats-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NatsServerProcess server = new NatsServerProcess(binary.get(), dir);
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            server.port = freePort();
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) { // the port was taken between choosing and binding it
                last = e;
            }
        }
        server.close();
        throw last;
    }

    /** The installed nats-server, if any. */
    public static Optional<Path> find() {
        for (Path p : CANDIDATES) {
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                Path p = Path.of(d, "nats-server");
                if (!d.isEmpty() && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** {@code nats://127.0.0.1:<port>}. */
    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The JetStream store directory (kept across {@link #restart()}). */
    public Path storeDir() {
        return dir.resolve("store");
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the server with SIGKILL and waits for it to be gone. Idempotent. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        LIVE.remove(process);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("nats-server did not die within 10 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts the server again on the same port and store directory (after {@link #kill()}, or killing it first). */
    public synchronized void restart() {
        kill();
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                launch();
                return;
            } catch (IllegalStateException e) {
                last = e;
                sleep(200);
            }
        }
        throw last;
    }

    private synchronized void launch() {
        starts++;
        Path log = dir.resolve("server-" + starts + ".log");
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-js", "-a", "127.0.0.1", "-p",
                Integer.toString(port), "-sd", storeDir().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        try {
            process = pb.start();
            LIVE.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                process = null;
                throw new IllegalStateException("nats-server exited at start on port " + port + ": " + tail(log));
            }
            if (logSaysReady(log) && answers()) {
                return;
            }
            sleep(20);
        }
        kill();
        throw new IllegalStateException("nats-server on port " + port + " not ready within " + READY_TIMEOUT_MS
                + " ms: " + tail(log));
    }

    private static boolean logSaysReady(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).contains("Server is ready");
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the port accepts a connection and speaks NATS (the INFO line). */
    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(1000);
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(4);
            return new String(head, StandardCharsets.US_ASCII).equals("INFO");
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills the server and deletes its store. */
    @Override
    public synchronized void close() {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best-effort: a temp directory
        }
    }
}
