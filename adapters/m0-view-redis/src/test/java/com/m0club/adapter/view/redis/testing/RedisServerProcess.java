package com.m0club.adapter.view.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
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
 * A redis-server of the test's own: Debian's binary on a free loopback port, keeping nothing on disk
 * ({@code --save "" --appendonly no}, its working directory a fresh temp dir), so tests never depend on the machine's
 * Redis at 6379 and two runs never meet. {@link #kill()} sends SIGKILL (the server loses everything, as a crashed
 * Redis without persistence does); {@link #restart()} starts a new, empty server on the same port, so clients
 * reconnect to the same address.
 *
 * <p>When {@code redis-server} is not installed, {@link #start()} runs the project's idempotent installer
 * ({@code ./m0 ensure-redis}: Debian's {@code redis-server} package through apt-get, as root) and tries again; only
 * when the binary still cannot be had is the test skipped, with the reason.
 */
public final class RedisServerProcess implements AutoCloseable {
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/redis-server"),
            Path.of("/usr/local/bin/redis-server"), Path.of("/usr/sbin/redis-server"));

    private final Path binary;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServerProcess(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    /** Starts a server on a free port and waits until it answers PING. */
    public static RedisServerProcess start() {
        Path binary = binary();
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                Path dir = Files.createTempDirectory("m0-redis-");
                RedisServerProcess server = new RedisServerProcess(binary, dir, freePort());
                if (server.launch()) {
                    return server;
                }
                server.close(); // the port was taken between picking and binding it: pick another
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IllegalStateException("could not start " + binary + " on a free port", last);
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public URI url() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** True while the server process runs. */
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the server dies at once and everything it held is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not die on SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for redis-server to die", e);
        }
        process = null;
    }

    /** Kills the server when it runs, then starts a new (empty) one on the same port. */
    public synchronized void restart() {
        kill();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (launch()) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not restart redis-server on port " + port, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not come back on port " + port + " (see "
                        + dir.resolve("redis.log") + ")");
            }
            sleep(100);
        }
    }

    /** Starts the process and waits for PING; false when it exited (port in use). */
    private synchronized boolean launch() throws IOException {
        Path log = dir.resolve("redis.log");
        process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--logfile", "")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                process = null;
                return false;
            }
            if (answersPing()) {
                return true;
            }
            sleep(20);
        }
        kill();
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within 20 s (see "
                + log + ")");
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp dir: best effort
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** The installed redis-server, installing it through the project's script when absent. */
    static synchronized Path binary() {
        Optional<Path> found = find();
        if (found.isPresent()) {
            return found.get();
        }
        Optional<Path> script = projectScript();
        String outcome;
        if (script.isPresent()) {
            try {
                Process p = new ProcessBuilder("bash", script.get().toString(), "ensure-redis").inheritIO().start();
                outcome = p.waitFor(10, TimeUnit.MINUTES) ? "exit " + p.exitValue() : "timed out";
            } catch (IOException e) {
                outcome = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = "interrupted";
            }
            found = find();
        } else {
            outcome = "the project's ./m0 script was not found above " + Path.of("").toAbsolutePath();
        }
        Assumptions.assumeTrue(found.isPresent(), "redis-server is not installed and could not be installed ("
                + outcome + "): apt-get install redis-server");
        return found.get();
    }

    private static Optional<Path> find() {
        for (Path p : CANDIDATES) {
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                Path p = Path.of(d, "redis-server");
                if (!d.isEmpty() && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** The repository's ./m0, found from the module directory upwards. */
    private static Optional<Path> projectScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path m0 = d.resolve("m0");
            if (Files.isRegularFile(m0) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return Optional.of(m0);
            }
        }
        return Optional.empty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
