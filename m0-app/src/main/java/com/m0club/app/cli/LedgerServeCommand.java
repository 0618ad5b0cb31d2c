package com.m0club.app.cli;

import com.m0club.adapter.chain.remote.LedgerServer;
import com.m0club.app.node.Ledgers;
import com.m0club.chain.local.LocalLedger;
import com.m0club.runtime.BuildInfo;
import com.m0club.runtime.admin.AdminServer;
import com.m0club.runtime.admin.CheckResult;
import com.m0club.runtime.admin.ReadinessCheck;
import com.m0club.runtime.config.Config;
import com.m0club.runtime.config.M0Keys;
import com.m0club.runtime.config.Profile;
import com.m0club.runtime.lifecycle.Lifecycle;
import com.m0club.runtime.metrics.Metrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code m0 ledger serve [--data-dir DIR] [--port N] [--host H]}: opens the local ledger under
 * {@code <data_dir>/ledger} (with {@code ledger_max_events_in_memory}, {@code ledger_snapshot_interval_records} and
 * {@code ledger_retention_hours}) and serves it over HTTP ({@link LedgerServer}) until SIGTERM, for the processes of
 * a split topology that set {@code ledger_url} to it: the stand-in for Solana RPC on one machine or in a staging
 * without Solana. Prints the ledger server's URL (port 0 picks a free one, printed) and runs the admin listener on
 * {@code admin_port} ({@code /healthz} with the liveness check {@code ledger-listener}, {@code /readyz} with
 * {@code ledger}, {@code /metrics}, {@code /v1/info}). The ledger listener binds {@code --host} (default
 * {@code 127.0.0.1}); a non-loopback host needs {@code ledger_auth_token_file}. It shares
 * {@code listener_idle_timeout_ms} and {@code listener_header_timeout_ms} with the admin listener.
 */
public final class LedgerServeCommand {
    /** Default port of the ledger listener. */
    public static final int DEFAULT_PORT = 8890;

    private LedgerServeCommand() {}

    /** What a running {@code m0 ledger serve} holds; {@link #close} stops the listeners, then closes the ledger. */
    public record Running(Lifecycle lifecycle, LocalLedger ledger, LedgerServer server, AdminServer admin)
            implements AutoCloseable {
        @Override
        public void close() {
            lifecycle.close();
        }
    }

    /** {@code m0 ledger serve}: starts, then serves until the JVM is asked to stop (SIGTERM). */
    public static int serve(Args args, Map<String, String> env, Function<Map<String, String>, Config> loadConfig,
            PrintStream out) throws InterruptedException {
        Running running = start(args, env, loadConfig, out);
        running.lifecycle().installShutdownHook();
        running.lifecycle().awaitShutdown();
        return 0;
    }

    /** Reads the serve options of {@code args} (the subcommand already taken), starts everything, prints the URLs. */
    public static Running start(Args args, Map<String, String> env, Function<Map<String, String>, Config> loadConfig,
            PrintStream out) {
        Optional<String> dataDir = args.option("data-dir");
        int port = port(args.option("port"));
        String host = args.option("host").map(String::strip).orElse("127.0.0.1");
        args.rejectUnknown();
        if (host.isEmpty()) {
            throw new Args.UsageException("ledger serve: --host must not be empty");
        }
        Config config = loadConfig.apply(env);
        Path dir = dataDir.map(Path::of).orElseGet(() -> config.get(M0Keys.DATA_DIR)).toAbsolutePath().normalize()
                .resolve("ledger");
        BuildInfo build = BuildInfo.load();
        var summary = M0Keys.summary(config);
        PrometheusRegistry registry = Metrics.newRegistry(build, summary);
        Duration idle = Duration.ofMillis(config.get(M0Keys.LISTENER_IDLE_TIMEOUT_MS));
        Duration header = Duration.ofMillis(config.get(M0Keys.LISTENER_HEADER_TIMEOUT_MS));
        Lifecycle lifecycle = Lifecycle.incremental();
        try {
            LocalLedger ledger = lifecycle.own("ledger", Ledgers.local(config, dir, InstantSource.system(), registry));
            LedgerServer server = lifecycle.own("ledger-server", LedgerServer.builder(ledger).registry(registry)
                    .host(host).port(port).token(Ledgers.token(config))
                    .limits(LedgerServer.Builder.DEFAULT_MAX_CONNECTIONS, idle).headerTimeout(header).build()
                    .start());
            AdminServer admin = AdminServer.builder()
                    .host(config.profile() == Profile.DEV ? "127.0.0.1" : "0.0.0.0").port(config.get(M0Keys.ADMIN_PORT))
                    .buildInfo(build).config(summary).registry(registry)
                    .limits(config.get(M0Keys.ADMIN_MAX_CONNECTIONS), idle).headerTimeout(header)
                    .liveness(List.of(ReadinessCheck.of("ledger-listener", () -> server.isRunning()
                            ? CheckResult.ok("serving on port " + server.port())
                            : CheckResult.down("the ledger listener stopped"))))
                    .checks(List.of(Ledgers.readiness(ledger))).build();
            admin.start();
            lifecycle.own("admin", admin);
            out.println("ledger server listening on " + server.endpoint() + " (ledger " + dir + "; admin"
                    + " http://127.0.0.1:" + admin.port() + "/)");
            out.flush();
            return new Running(lifecycle, ledger, server, admin);
        } catch (RuntimeException e) {
            lifecycle.close();
            throw e;
        }
    }

    private static int port(Optional<String> raw) {
        if (raw.isEmpty()) {
            return DEFAULT_PORT;
        }
        try {
            int p = Integer.parseInt(raw.get().strip());
            if (p < 0 || p > 65_535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new Args.UsageException("ledger serve: --port must be 0..65535 (0 = a free port), got '" + raw.get()
                    + "'");
        }
    }
}
