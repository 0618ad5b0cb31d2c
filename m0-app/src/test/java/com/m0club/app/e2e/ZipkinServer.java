package com.m0club.app.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Zipkin server (the {@code io.zipkin:zipkin-server} exec jar that m0-app's build fetches into
 * {@code target/zipkin}) in its own JVM, on a loopback port it picks itself, with in-memory storage. Closing it ends
 * that process (by its handle).
 */
final class ZipkinServer implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("Serving HTTP at /127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final URI base;

    private ZipkinServer(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    /** The exec jar, fetched by the build's {@code zipkin-server-for-tests} execution (process-test-resources). */
    static Path jar() {
        Path jar = Path.of("target", "zipkin", "zipkin-server-exec.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: run the test through Maven (mvn -pl m0-app -am verify"
                    + " -Dtest=ZipkinTracingTest), whose process-test-resources phase fetches it");
        }
        return jar;
    }

    /** Starts the server, its output in {@code log}, and waits until it serves HTTP (at most {@code patience}). */
    static ZipkinServer start(Path log, Duration patience) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                jar().toString(), "--armeria.ports[0].port=0", "--armeria.ports[0].ip=127.0.0.1",
                "--armeria.ports[0].protocols=http"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("STORAGE_TYPE", "mem");
        Process process = pb.start();
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Matcher m = SERVING.matcher(out);
            if (m.find()) {
                return new ZipkinServer(process, URI.create("http://127.0.0.1:" + m.group(1)));
            }
            if (!process.isAlive()) {
                throw new AssertionError("the Zipkin server exited with " + process.exitValue() + ": " + tail(out));
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new AssertionError("the Zipkin server did not serve HTTP within " + patience.toSeconds() + " s: "
                + tail(Files.readString(log, StandardCharsets.UTF_8)));
    }

    /** Where a Zipkin exporter sends spans (OTEL_EXPORTER_ZIPKIN_ENDPOINT). */
    String spansEndpoint() {
        return base.resolve("/api/v2/spans").toString();
    }

    URI base() {
        return base;
    }

    private static String tail(String out) {
        return out.length() > 2_000 ? out.substring(out.length() - 2_000) : out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
