package com.m0club.app.split;

import com.m0club.adapter.eventlog.kafka.testing.KafkaBrokerProcess;
import com.m0club.adapter.view.redis.testing.RedisServerProcess;
import com.m0club.app.Main;
import com.m0club.devkit.postgres.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The oracle split into OS processes over real infrastructure, for the multi-process tests: a PostgreSQL of its own
 * (so it can be restarted), a KRaft Kafka broker in its own JVM and a Redis server, all on ports chosen at run time;
 * then one {@link RoleProcess} per program the test starts ({@link #role} for {@code m0 run --roles}, {@link #program}
 * for any other command), each with its own data directory and the shared settings, closed in reverse order. Process
 * logs are kept under {@code target/split-logs/<run>/}.
 */
final class SplitTopology implements AutoCloseable {
    final EmbeddedPostgres postgres;
    /** The Kafka broker, when the topology runs on Kafka (else null). */
    final KafkaBrokerProcess broker;
    /** The NATS server, when the topology runs on NATS JetStream (else null). */
    final com.m0club.adapter.eventlog.nats.testing.NatsServerProcess nats;
    final RedisServerProcess redis;
    final Path dir;
    final Path logs;
    private final Map<String, String> common;
    private final Map<String, RoleProcess> processes = new LinkedHashMap<>();

    private SplitTopology(Path dir, Path logs, EmbeddedPostgres postgres, KafkaBrokerProcess broker,
            com.m0club.adapter.eventlog.nats.testing.NatsServerProcess nats, RedisServerProcess redis,
            Map<String, String> common) {
        this.dir = dir;
        this.logs = logs;
        this.postgres = postgres;
        this.broker = broker;
        this.nats = nats;
        this.redis = redis;
        this.common = new HashMap<>(common);
    }

    /** Which event log the processes share. */
    enum Log { KAFKA, NATS }

    /** Starts PostgreSQL, Kafka and Redis and creates the topics; {@code settings} go to every process. */
    static SplitTopology start(Path dir, Map<String, String> settings) throws Exception {
        return start(dir, settings, Log.KAFKA);
    }

    /** Starts PostgreSQL, the event log's server and Redis, and creates the topics or streams. */
    static SplitTopology start(Path dir, Map<String, String> settings, Log kind) throws Exception {
        Path logs = Path.of("target", "split-logs", System.currentTimeMillis() + "-" + ProcessHandle.current().pid())
                .toAbsolutePath();
        Files.createDirectories(logs);
        EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir.resolve("postgres")).port(freePort())
                .binariesDir(Path.of("target", "pg-bin").toAbsolutePath().normalize()).build().start();
        KafkaBrokerProcess kafka = null;
        com.m0club.adapter.eventlog.nats.testing.NatsServerProcess natsServer = null;
        RedisServerProcess redisServer = null;
        try {
            if (kind == Log.KAFKA) {
                kafka = KafkaBrokerProcess.start();
            } else {
                natsServer = com.m0club.adapter.eventlog.nats.testing.NatsServerProcess.start();
            }
            redisServer = RedisServerProcess.start();
            Map<String, String> env = new HashMap<>(settings);
            env.put("M0_POSTGRES_URL", pg.jdbcUrl());
            env.put("M0_EVENTLOG_URL", kind == Log.KAFKA ? kafka.url() : natsServer.url());
            env.put("M0_REDIS_URL", redisServer.url().toString());
            env.put("M0_API_PORT", "0");
            env.put("M0_ADMIN_PORT", "0");
            env.put("M0_LOG_FORMAT", "text");
            SplitTopology t = new SplitTopology(dir, logs, pg, kafka, natsServer, redisServer, env);
            t.run("eventlog", "init");
            return t;
        } catch (Exception | Error e) {
            if (redisServer != null) {
                redisServer.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            if (natsServer != null) {
                natsServer.close();
            }
            pg.close();
            throw e;
        }
    }

    /** Adds a setting for the processes started from now on. */
    SplitTopology set(String env, String value) {
        common.put(env, value);
        return this;
    }

    /** Starts {@code m0 run --roles ROLES} as process {@code name} and waits until it is ready. */
    RoleProcess role(String name, String roles, Map<String, String> env, Duration patience) throws Exception {
        return program(name, List.of("run", "--roles", roles), env, -1, patience);
    }

    /**
     * Starts {@code m0 ARGS} as process {@code name} (its data directory {@code <dir>/<name>}) and waits until its
     * admin port answers {@code /readyz}; {@code adminPort} when the program does not print it, else -1.
     */
    RoleProcess program(String name, List<String> args, Map<String, String> env, int adminPort, Duration patience)
            throws Exception {
        Map<String, String> own = new HashMap<>(common);
        own.putAll(env);
        own.put("M0_DATA_DIR", dir.resolve(name).toString());
        Files.createDirectories(dir.resolve(name));
        RoleProcess p = new RoleProcess(name, args, own, logs, "160m");
        if (adminPort > 0) {
            p.adminPortIs(adminPort);
        }
        processes.put(name, p);
        p.start().awaitReady(patience);
        return p;
    }

    List<RoleProcess> processes() {
        return List.copyOf(processes.values());
    }

    RoleProcess process(String name) {
        RoleProcess p = processes.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no process " + name + " (have " + processes.keySet() + ")");
        }
        return p;
    }

    /** Runs an m0 command in this JVM with the shared settings; fails with its output when it exits non-zero. */
    String run(String... argv) {
        com.m0club.app.testing.M0Run.Result r = com.m0club.app.testing.M0Run.run(new HashMap<>(common), argv);
        if (r.code() != 0) {
            throw new AssertionError("m0 " + String.join(" ", argv) + " exited " + r.code() + ": " + r.err() + r.out());
        }
        return r.out();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        List<RoleProcess> reversed = new ArrayList<>(processes.values());
        java.util.Collections.reverse(reversed);
        for (RoleProcess p : reversed) {
            p.close();
        }
        redis.close();
        if (broker != null) {
            broker.close();
        }
        if (nats != null) {
            nats.close();
        }
        postgres.close();
    }
}
