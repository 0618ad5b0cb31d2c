package com.m0club.devkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server against real binaries: restarts keep data, and every documented failure is recoverable. */
class EmbeddedPostgresTest {
    @TempDir
    Path dir;

    @Test
    void dataSurvivesARestartOnTheSameDataDirectory() {
        // Binaries under the data directory, as in `m0 dev`: the first start is a true cold start.
        EmbeddedPostgres.StartupReport cold;
        int port;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir).port(0).build().start()) {
            cold = pg.startupReport().orElseThrow();
            port = pg.port();
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/m0?user=postgres");
            Sql.execute(pg.jdbcUrl(), "CREATE TABLE probe (id text PRIMARY KEY)");
            Sql.execute(pg.jdbcUrl(), "INSERT INTO probe VALUES ('SURVIVES_RESTART')");
        }
        assertThat(cold.unpackedBinaries()).isTrue();
        assertThat(cold.initializedDataDir()).isTrue();
        assertThat(dir.resolve("postgres/postmaster.pid")).doesNotExist();

        EmbeddedPostgres.StartupReport warm;
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir).port(0).build().start()) {
            warm = pg.startupReport().orElseThrow();
            assertThat(pg.port()).as("port 0 is picked once and remembered").isEqualTo(port);
            assertThat(Sql.queryOne(pg.jdbcUrl(), "SELECT id FROM probe")).hasValue("SURVIVES_RESTART");
        }
        assertThat(warm.unpackedBinaries()).isFalse();
        assertThat(warm.initializedDataDir()).isFalse();
        System.out.printf("embedded PostgreSQL %s: cold start (unpack + initdb + start) %d ms, warm start %d ms%n",
                cold.version(), cold.total().toMillis(), warm.total().toMillis());
    }

    @Test
    void theServerCommitsDurablyAndRefusesToBeToldOtherwise() {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir).port(0)
                .binariesDir(Sql.sharedBinariesDir()).build().start()) {
            for (String name : List.of("synchronous_commit", "fsync", "full_page_writes")) {
                assertThat(Sql.queryOne(pg.jdbcUrl(), "SHOW " + name)).as(name).hasValue("on");
            }
        }
        assertThatThrownBy(() -> EmbeddedPostgres.builder().setting("synchronous_commit", "off"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("setting synchronous_commit: must stay 'on' (publish state and sequences need durable"
                        + " commits), got 'off'");
        assertThatThrownBy(() -> EmbeddedPostgres.builder().setting("fsync", "off"))
                .hasMessageContaining("setting fsync: must stay 'on'");
    }

    @Test
    void aStalePidFileWhosePidBelongsToAnotherProcessDoesNotBlockTheStart() throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().dataDir(dir).port(0)
                .binariesDir(Sql.sharedBinariesDir());
        builder.build().start().close();
        // What a crash leaves behind when the pid was reused meanwhile: here, our own (live, non-postgres) JVM.
        Files.writeString(dir.resolve("postgres/postmaster.pid"), ProcessHandle.current().pid() + "\n"
                + dir.resolve("postgres") + "\n1700000000\n5432\n\n127.0.0.1\n", StandardCharsets.US_ASCII);
        try (EmbeddedPostgres pg = builder.build().start()) {
            assertThat(pg.isRunning()).isTrue();
        }
    }

    @Test
    void aServerOrphanedByAKilledProcessIsStoppedAndReplaced() throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().dataDir(dir).port(0)
                .binariesDir(Sql.sharedBinariesDir());
        String version;
        try (EmbeddedPostgres pg = builder.build().start()) {
            version = pg.startupReport().orElseThrow().version();
        }
        // Start the server behind the launcher's back, as a JVM killed with -9 would leave it.
        Path pgCtl = Sql.sharedBinariesDir().resolve(version).resolve("bin/pg_ctl");
        Process p = new ProcessBuilder(ServerUser.detect().wrap(List.of(pgCtl.toString(), "-D",
                dir.resolve("postgres").toString(), "-l", dir.resolve("orphan.log").toString(), "-w", "-s", "start")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("orphan-ctl.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("orphan-ctl.log"))).isZero();
        long orphan = Long.parseLong(Files.readAllLines(dir.resolve("postgres/postmaster.pid")).get(0).trim());

        assertThat(EmbeddedPostgres.isPostmasterOf(orphan, dir.resolve("postgres"))).isTrue();

        try (EmbeddedPostgres pg = builder.build().start()) {
            // (A stopped orphan may linger as a zombie until its parent reaps it: ask whether it still serves us.)
            assertThat(EmbeddedPostgres.isPostmasterOf(orphan, dir.resolve("postgres"))).isFalse();
            long current = Long.parseLong(Files.readAllLines(dir.resolve("postgres/postmaster.pid")).get(0).trim());
            assertThat(current).isNotEqualTo(orphan);
            assertThat(pg.isRunning()).isTrue();
        }
    }

    @Test
    void aTakenPortIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir).port(taken.getLocalPort())
                    .binariesDir(Sql.sharedBinariesDir()).build();
            assertThatThrownBy(pg::start)
                    .isInstanceOf(EmbeddedPostgresException.class)
                    .hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("already in use");
            assertThat(pg.isRunning()).isFalse();
        }
    }

    @Test
    void aDirectoryThatIsNotADataDirectoryIsRefusedWithWhatToDo() throws Exception {
        Files.createDirectories(dir.resolve("postgres"));
        Files.writeString(dir.resolve("postgres/notes.txt"), "not a database");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir).port(0)
                .binariesDir(Sql.sharedBinariesDir()).build();
        assertThatThrownBy(pg::start)
                .isInstanceOf(EmbeddedPostgresException.class)
                .hasMessageContaining("is not a PostgreSQL data directory")
                .hasMessageContaining("delete it");
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefused() {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().dataDir(dir).port(0)
                .binariesDir(Sql.sharedBinariesDir());
        try (EmbeddedPostgres first = builder.build().start()) {
            assertThatThrownBy(() -> builder.build().start())
                    .isInstanceOf(EmbeddedPostgresException.class)
                    .hasMessageContaining("in use by another embedded PostgreSQL");
            assertThat(first.isRunning()).isTrue();
        }
    }

    @Test
    void asRootWithoutUserNamespacesTheServerRunsAsNobodyViaSetpriv() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ServerUser.currentUid() == 0, "only meaningful as root");
        // JUnit makes temp directories rwx------; the unprivileged user must be able to walk into ours.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().dataDir(dir).port(0)
                .serverUserMode(ServerUser.Mode.UNPRIVILEGED_USER);
        try (EmbeddedPostgres pg = builder.build().start()) {
            Sql.execute(pg.jdbcUrl(), "CREATE TABLE probe (id text PRIMARY KEY)");
            Sql.execute(pg.jdbcUrl(), "INSERT INTO probe VALUES ('RUNS_AS_NOBODY')");
            assertThat(Files.getOwner(dir.resolve("postgres/PG_VERSION")).getName()).isEqualTo("nobody");
        }
        // And back to the user-namespace mode on the same data directory.
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir).port(0)
                .serverUserMode(ServerUser.Mode.USER_NAMESPACE).build().start()) {
            assertThat(Sql.queryOne(pg.jdbcUrl(), "SELECT id FROM probe")).hasValue("RUNS_AS_NOBODY");
        }
    }

    @Test
    void theUnprivilegedUserMustBeAbleToReachTheDataDirectory() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ServerUser.currentUid() == 0, "only meaningful as root");
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(locked.resolve("data")).port(0)
                .binariesDir(dir.resolve("bin")).serverUserMode(ServerUser.Mode.UNPRIVILEGED_USER).build();
        assertThatThrownBy(pg::start)
                .isInstanceOf(EmbeddedPostgresException.class)
                .hasMessageContaining("cannot enter " + locked)
                .hasMessageContaining("chmod o+x");
    }

    @Test
    void theUrlIsOnlyKnownOnceStarted() {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir).build();
        assertThatThrownBy(pg::jdbcUrl).isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
        assertThatThrownBy(() -> EmbeddedPostgres.builder().build()).hasMessageContaining("dataDir");
        assertThatThrownBy(() -> EmbeddedPostgres.builder().port(70000)).hasMessageContaining("port");
    }
}
