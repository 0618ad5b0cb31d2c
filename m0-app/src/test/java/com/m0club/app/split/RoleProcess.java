package com.m0club.app.split;

import com.m0club.app.Main;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One M0Club program as its own OS process ({@code java -cp <test classpath> com.m0club.app.Main ARGS}) with its
 * own environment, for the split-topology tests: started, probed on its admin port, killed with SIGKILL and
 * restarted with the same arguments and environment. Output goes to {@code <logDir>/<name>-<n>.log} (one file per
 * start), whose tail is attached to every failure.
 */
final class RoleProcess implements AutoCloseable {
    private static final Pattern ADMIN = Pattern.compile("admin[= ]http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern API = Pattern.compile(" api=http://127\\.0\\.0\\.1:(\\d+)/");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> args;
    private final Map<String, String> env;
    private final Path logDir;
    private final String heap;
    private Process process;
    private Path log;
    private int starts;
    private int adminPort = -1;
    private int knownAdminPort = -1;

    RoleProcess(String name, List<String> args, Map<String, String> env, Path logDir, String heap) {
        this.name = Objects.requireNonNull(name, "name");
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
        this.logDir = logDir;
        this.heap = heap;
    }

    /** For a program that does not print its admin port (a signer agent): the port it was configured with. */
    RoleProcess adminPortIs(int port) {
        this.knownAdminPort = port;
        return this;
    }

    String name() {
        return name;
    }

    Map<String, String> env() {
        return env;
    }

    /** Starts the process (again, after {@link #kill()}). */
    synchronized RoleProcess start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        starts++;
        log = logDir.resolve(name + "-" + starts + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new java.util.ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("M0_") || k.startsWith("SOLANA_") || k.startsWith("OTEL_"));
        pb.environment().putAll(env);
        process = pb.start();
        adminPort = knownAdminPort;
        return this;
    }

    /** The admin port the process printed at start, waiting for it up to {@code timeout}. */
    synchronized int adminPort(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (adminPort < 0) {
            Optional<Integer> port = grep(ADMIN).map(m -> Integer.parseInt(m.group(1)));
            if (port.isPresent()) {
                adminPort = port.get();
                break;
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it started:\n"
                        + tail(60));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not print its admin port within " + timeout.toSeconds()
                        + " s:\n" + tail(60));
            }
            wait(100);
        }
        return adminPort;
    }

    /** The API port this start printed (after {@link #awaitReady}). */
    int apiPort() {
        return grep(API).map(m -> Integer.parseInt(m.group(1))).orElseThrow(() -> new AssertionError(name
                + " printed no API port:\n" + tail(30)));
    }

    /** GET {@code path} on the admin port: the status code, or -1 when the process does not answer. */
    int admin(String path) {
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of GET {@code path} on the admin port (metrics, readiness detail). */
    String adminBody(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Waits until {@code /readyz} answers 200. */
    RoleProcess awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        adminPort(timeout);
        while (admin("/readyz") != 200) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail(60));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " not ready within " + timeout.toSeconds() + " s:\n" + tail(60));
            }
            Thread.sleep(100);
        }
        return this;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** The first match of {@code pattern} in this start's log. */
    Optional<Matcher> grep(Pattern pattern) {
        try {
            if (log == null || !Files.exists(log)) {
                return Optional.empty();
            }
            Matcher m = pattern.matcher(Files.readString(log));
            return m.find() ? Optional.of(m) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The last {@code lines} lines of this start's log. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    @Override
    public String toString() {
        return name + (alive() ? " (pid " + process.pid() + ")" : " (stopped)");
    }
}
