package com.m0club.adapter.eventlog.kafka.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) in its own JVM, for tests that need a real
 * broker: started from the test JVM's own classpath ({@code kafka_2.13} and {@code kafka-server} are test
 * dependencies), on two free loopback ports chosen at start (broker and controller listeners) and a fresh temporary
 * log directory, so two runs on one machine never collide.
 *
 * <p>The broker JVM runs {@link BrokerMain}: it formats the log directory (the {@code kafka-storage format} step, done
 * by {@code kafka.tools.StorageTool} in the same JVM) and then runs {@code kafka.Kafka} on the generated
 * {@code server.properties}. It watches its standard input and halts when the test JVM goes away (the pipe closes),
 * so a killed test run leaves no broker behind. Its output goes to {@code broker.log} in the temporary directory; the
 * tail of that file is in every exception this class throws.
 *
 * <p>{@link #kill()} is a SIGKILL ({@link Process#destroyForcibly()}), {@link #restart()} starts the same broker
 * again on the same ports and log directory (records and committed offsets survive), {@link #close()} kills it and
 * deletes the directory.
 *
 * <p>Tuned to start in seconds on a small machine: heap 384 MB, one partition for the internal topics, replication
 * factor 1, no initial rebalance delay, no automatic topic creation (topics are created explicitly, as in
 * production by {@code m0 eventlog init}).
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int TAIL_LINES = 40;

    private final Path dir;
    private final Path properties;
    private final Path logFile;
    private final String clusterId;
    private final int brokerPort;
    private final int controllerPort;
    private Process process;
    private boolean formatted;

    private KafkaBrokerProcess(Path dir, Map<String, String> overrides) throws IOException {
        this.dir = dir;
        this.properties = dir.resolve("server.properties");
        this.logFile = dir.resolve("broker.log");
        this.clusterId = Uuid.randomUuid().toString();
        this.brokerPort = freePort();
        int c = freePort();
        while (c == brokerPort) {
            c = freePort();
        }
        this.controllerPort = c;
        writeProperties(overrides);
        writeLogConfig();
    }

    /** Starts a broker with the default settings and waits until it answers; throws with the broker's log tail. */
    public static KafkaBrokerProcess start() {
        return start(Map.of());
    }

    /**
     * Starts a broker with {@code overrides} applied over the default {@code server.properties} (for example
     * {@code log.retention.check.interval.ms}) and waits until it answers.
     */
    public static KafkaBrokerProcess start(Map<String, String> overrides) {
        Objects.requireNonNull(overrides, "overrides");
        KafkaBrokerProcess broker;
        try {
            broker = new KafkaBrokerProcess(Files.createTempDirectory("m0-kafka-"), overrides);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare a Kafka broker directory: " + e.getMessage(), e);
        }
        try {
            broker.launch();
            return broker;
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
    }

    /** {@code host:port} of the broker listener, for {@code bootstrap.servers}. */
    public String bootstrap() {
        return "127.0.0.1:" + brokerPort;
    }

    /** The {@code M0_EVENTLOG_URL} that points at this broker. */
    public String url() {
        return "kafka://" + bootstrap();
    }

    /** The temporary directory (log dirs, server.properties, broker.log). */
    public Path directory() {
        return dir;
    }

    /** Whether the broker process is running. */
    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILLs the broker (no clean shutdown) and waits until the process is gone. Idempotent. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the Kafka broker did not exit 30 s after SIGKILL" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the Kafka broker", e);
        }
        closeQuietly(process.getOutputStream());
        process = null;
    }

    /** Kills the broker if it runs, starts it again on the same ports and log directory, and waits until it answers. */
    public synchronized void restart() {
        kill();
        launch();
    }

    /** Kills the broker and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        try {
            kill();
        } finally {
            deleteTree(dir);
        }
    }

    private synchronized void launch() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + dir.resolve("logback-broker.xml"),
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2-broker.properties"),
                "-cp", System.getProperty("java.class.path"), BrokerMain.class.getName(),
                properties.toString(), clusterId, formatted ? "run" : "format-and-run"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker JVM: " + e.getMessage(), e);
        }
        formatted = true;
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        Exception last = null;
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka broker exited with " + process.exitValue()
                            + " while starting" + tail());
                }
                try {
                    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes()
                            .get(3, TimeUnit.SECONDS).size();
                    if (nodes > 0) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
                } catch (Exception e) {
                    last = e;
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("the Kafka broker on " + bootstrap() + " did not answer within "
                + START_TIMEOUT.toSeconds() + " s (last: " + last + ")" + tail());
    }

    /** The last lines of the broker's log, as a suffix for exception messages. */
    public String tail() {
        try {
            if (!Files.exists(logFile)) {
                return "; no broker log at " + logFile;
            }
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
            return "; last " + last.size() + " lines of " + logFile + ":\n  " + String.join("\n  ", last);
        } catch (IOException | UncheckedIOException e) {
            return "; broker log " + logFile + " unreadable: " + e.getMessage();
        }
    }

    private void writeProperties(Map<String, String> overrides) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // A restarted broker re-registers only once the controller has expired its previous session: keep it short.
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "1500");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
        p.putAll(overrides);
        StringBuilder text = new StringBuilder("# generated by KafkaBrokerProcess\n");
        p.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(properties, text);
    }

    private void writeLogConfig() throws IOException {
        Files.writeString(dir.resolve("logback-broker.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="kafka" level="INFO"/>
                  <logger name="org.apache.kafka" level="INFO"/>
                  <logger name="kafka.request.logger" level="WARN"/>
                  <logger name="org.apache.kafka.common.config" level="WARN"/>
                  <logger name="kafka.server.KafkaConfig" level="WARN"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        Files.writeString(dir.resolve("log4j2-broker.properties"), "status = error\n");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
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

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // the process is gone
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    /**
     * The broker JVM's main: {@code <server.properties> <cluster id> format-and-run|run}. Formats the log directory
     * on the first start (as {@code kafka-storage format -t <id> -c <file> --ignore-formatted}), then runs
     * {@code kafka.Kafka}. Halts when its standard input reaches end of file (the test JVM is gone).
     */
    public static final class BrokerMain {
        private BrokerMain() {}

        public static void main(String[] args) throws Exception {
            if (args.length != 3) {
                System.err.println("usage: BrokerMain <server.properties> <cluster id> format-and-run|run");
                Runtime.getRuntime().halt(2);
            }
            Thread watchdog = new Thread(() -> {
                InputStream in = System.in;
                try {
                    while (in.read() >= 0) {
                        // nothing is sent; EOF means the parent is gone
                    }
                } catch (IOException e) {
                    // the pipe broke: the parent is gone
                }
                System.err.println("KafkaBrokerProcess: the test JVM went away; halting the broker");
                Runtime.getRuntime().halt(3);
            }, "parent-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            if (args[2].equals("format-and-run")) {
                int rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", args[1], "-c", args[0],
                    "--ignore-formatted"}, System.out);
                if (rc != 0) {
                    System.err.println("KafkaBrokerProcess: kafka-storage format failed with " + rc);
                    Runtime.getRuntime().halt(4);
                }
            }
            kafka.Kafka.main(new String[] {args[0]});
        }
    }
}
