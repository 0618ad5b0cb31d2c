package com.m0club.app.split;

import com.m0club.adapter.eventlog.kafka.testing.KafkaBrokerProcess;
import com.m0club.adapter.view.redis.testing.RedisServerProcess;
import com.m0club.app.Main;
import com.m0club.devkit.postgres.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
 * (so it can be restarted), a KRaft Kafka broker in its own JVM, a Redis server, and one {@link RoleProcess} per
 * role, each {@code m0 run} with its own data directory and the shared settings. Built with {@link #builder}, started
 * in the order the roles were added, closed in reverse.
 */
final class SplitTopology implements AutoCloseable {
    final EmbeddedPostgres postgres;
    final KafkaBrokerProcess broker;
    final RedisServerProcess redis;
    final Map<String, String> common;
    private final Map<String, RoleProcess> processes = new LinkedHashMap<>();

    private SplitTopology(EmbeddedPostgres postgres, KafkaBrokerProcess broker, RedisServerProcess redis,
            Map<String, String> common) {
        this.postgres = postgres;
        this.broker = broker;
        this.redis = redis;
        this.common = Map.copyOf(common);
    }

    /** A role process: its name, its {@code M0_ROLES}, and settings of its own over the shared ones. */
    record RoleSpec(String name, String roles, Map<String, String> env) {}

    static Builder builder(Path dir) {
        return new Builder(dir);
    }

    static final class Builder {
        private final Path dir;
        private final List<RoleSpec> roles = new ArrayList<>();
        private final Map<String, String> settings = new HashMap<>();

        private final Path logs;

        private Builder(Path dir) {
            this.dir = dir;
            // kept after the run (the data directory is a temporary one): target/split-logs/<time>-<pid>
            this.logs = Path.of("target", "split-logs", System.currentTimeMillis() + "-"
                    + ProcessHandle.current().pid()).toAbsolutePath();
        }

        Builder role(String name, String roles) {
            return role(name, roles, Map.of());
        }

        Builder role(String name, String roles, Map<String, String> env) {
            this.roles.add(new RoleSpec(name, roles, env));
            return this;
        }

        /** A setting every role process gets. */
        Builder set(String env, String value) {
            settings.put(env, value);
            return this;
        }

        /** Starts the infrastructure, creates the topics and starts every role in order (each ready before the next). */
        SplitTopology start(Duration patience) throws Exception {
            Files.createDirectories(logs);
            EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir.resolve("postgres")).port(freePort())
                    .binariesDir(Path.of("target", "pg-bin").toAbsolutePath().normalize()).build().start();
            KafkaBrokerProcess kafka = null;
            RedisServerProcess redisServer = null;
            try {
                kafka = KafkaBrokerProcess.start();
                redisServer = RedisServerProcess.start();
                Map<String, String> env = new HashMap<>(settings);
                env.put("M0_POSTGRES_URL", pg.jdbcUrl());
                env.put("M0_EVENTLOG_URL", kafka.url());
                env.put("M0_REDIS_URL", redisServer.url().toString());
                env.put("M0_API_PORT", "0");
                env.put("M0_ADMIN_PORT", "0");
                env.put("M0_LOG_FORMAT", "text");
                SplitTopology t = new SplitTopology(pg, kafka, redisServer, env);
                t.run("eventlog", "init");
                for (RoleSpec spec : roles) {
                    Map<String, String> own = new HashMap<>(env);
                    own.putAll(spec.env());
                    own.put("M0_DATA_DIR", dir.resolve(spec.name()).toString());
                    Files.createDirectories(dir.resolve(spec.name()));
                    RoleProcess p = new RoleProcess(spec.name(), List.of("run", "--roles", spec.roles()), own,
                            logs, "192m");
                    t.processes.put(spec.name(), p);
                    p.start().awaitReady(patience);
                }
                return t;
            } catch (Exception | Error e) {
                if (redisServer != null) {
                    redisServer.close();
                }
                if (kafka != null) {
                    kafka.close();
                }
                pg.close();
                throw e;
            }
        }
    }

    RoleProcess process(String name) {
        RoleProcess p = processes.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no role process " + name + " (have " + processes.keySet() + ")");
        }
        return p;
    }

    List<RoleProcess> processes() {
        return List.copyOf(processes.values());
    }

    /** Runs an m0 command in this JVM with the shared settings; fails with its output when it exits non-zero. */
    String run(String... argv) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(common);
        env.putIfAbsent("M0_ENV", "dev");
        int code = Main.run(List.of(argv), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new AssertionError("m0 " + String.join(" ", argv) + " exited " + code + ": "
                    + err.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
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
        broker.close();
        postgres.close();
    }
}
