package com.m0club.app.e2e;

import static com.m0club.app.e2e.DevNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.app.node.OracleNode;
import com.m0club.chain.LedgerEvent;
import com.m0club.store.postgres.Jdbc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole-node crash (issue 6, item 4): the node runs as its own OS process with its embedded PostgreSQL; right
 * after the ledger accepted a commitment both are killed with SIGKILL together, twice; then the node starts again
 * on the same data directory and the ledger is checked against the publish state: every ledger commitment has its
 * publish record (nothing had to be adopted or reported by the startup audit), no (set, sequence) was committed
 * twice, reveals rise in sequence, the sequence counter is not below the ledger, and every bundle revealed before
 * the crashes ends REVEALED or FINALIZED.
 */
@Tag("multiprocess")
class WholeNodeCrashTest {
    private static final int CRASHES = 2;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void killingTheNodeAndItsPostgresTogetherLosesNoCommittedBundle() throws Exception {
        Files.createDirectories(dataDir);
        for (int crash = 1; crash <= CRASHES; crash++) {
            Path out = dataDir.resolve("node-" + crash + ".out");
            Process node = launch(out);
            try {
                int admin = DevNode.awaitValue("node " + crash + " to start (" + out + ")", PATIENCE,
                        () -> adminPort(out));
                double before = DevNode.awaitValue("the ledger commits a bundle", PATIENCE,
                        () -> commits(admin).filter(c -> c >= 2));
                // kill as close to a fresh commit as polling allows: its publish write is the one at risk
                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (commits(admin).orElse(before) <= before && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            } finally {
                killTogether(node);
            }
        }

        try (OracleNode node = DevNode.start(dataDir)) {
            Jdbc jdbc = node.database().jdbc();
            assertThat(jdbc.query("test.audit", "SELECT resolution || ' ' || sequence || ': ' || detail"
                    + " FROM ledger_commit_audit", rs -> rs.getString(1)))
                    .as("ledger commitments the startup audit found without a publish record").isEmpty();

            List<LedgerEvent.Committed> commits = DevNode.events(node.ledger(), LedgerEvent.Committed.class);
            assertThat(commits).hasSizeGreaterThanOrEqualTo(2 * CRASHES);
            Map<String, Integer> perSequence = new HashMap<>();
            long highest = 0;
            for (LedgerEvent.Committed c : commits) {
                perSequence.merge(c.signerSetId() + "/" + c.sequence(), 1, Integer::sum);
                highest = Math.max(highest, c.sequence());
                Optional<String> record = jdbc.queryOne("test.record", "SELECT signer_set_id || '/' || sequence"
                        + " FROM bundles WHERE commit_hash = ?", rs -> rs.getString(1), c.commitHash().toByteArray());
                assertThat(record).as("publish record of ledger commitment %s (set %d sequence %d)",
                        c.commitHash().toHex(), c.signerSetId(), c.sequence())
                        .hasValue(c.signerSetId() + "/" + c.sequence());
            }
            assertThat(perSequence).as("no (set, sequence) committed twice").allSatisfy((k, n) -> assertThat(n)
                    .isEqualTo(1));
            long setId = node.signerSet().id();
            assertThat(jdbc.queryOne("test.counter", "SELECT last_sequence FROM signer_set_sequences"
                    + " WHERE signer_set_id = ?", rs -> rs.getLong(1), setId)).hasValueSatisfying(
                            last -> assertThat(last).isGreaterThanOrEqualTo(commits.stream()
                                    .filter(c -> c.signerSetId() == setId)
                                    .mapToLong(LedgerEvent.Committed::sequence).max().orElse(0)));

            List<LedgerEvent.Revealed> reveals = DevNode.events(node.ledger(), LedgerEvent.Revealed.class);
            for (int i = 1; i < reveals.size(); i++) {
                assertThat(reveals.get(i).sequence()).as("reveals rise in sequence")
                        .isGreaterThan(reveals.get(i - 1).sequence());
            }
            for (LedgerEvent.Revealed r : reveals) {
                DevNode.await("bundle " + r.bundleHash().toHex() + " REVEALED or FINALIZED in PostgreSQL", PATIENCE,
                        () -> jdbc.queryOne("test.status", "SELECT status FROM bundles WHERE bundle_hash = ?",
                                rs -> rs.getString(1), r.bundleHash().toByteArray())
                                .filter(s -> s.equals("REVEALED") || s.equals("FINALIZED")).isPresent());
            }
            DevNode.await("publishing to go on after the crashes", PATIENCE,
                    () -> DevNode.events(node.ledger(), LedgerEvent.Revealed.class).size() > reveals.size());
            System.out.printf("whole-node crash: %d crashes, %d commitments and %d reveals checked, highest"
                    + " sequence %d%n", CRASHES, commits.size(), reveals.size(), highest);
        }
    }

    private Process launch(Path out) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashableNodeMain.class.getName(), dataDir.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static Optional<Integer> adminPort(Path out) {
        try {
            return Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("CRASHABLE-NODE admin=")).findFirst()
                    .map(l -> Integer.parseInt(l.substring("CRASHABLE-NODE admin=".length()).trim()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Double> commits(int adminPort) {
        try {
            HttpResponse<Stream<String>> res = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + adminPort + "/metrics")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            return res.body().filter(l -> l.startsWith("m0_ledger_commits_total ")).findFirst()
                    .map(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** SIGKILL to the node's JVM and to its PostgreSQL (postmaster and every backend) at once. */
    private void killTogether(Process node) throws Exception {
        List<ProcessHandle> victims = new ArrayList<>();
        victims.add(node.toHandle());
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        if (Files.isRegularFile(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
            ProcessHandle.of(pid).ifPresent(pg -> {
                victims.add(pg);
                pg.descendants().forEach(victims::add);
            });
        }
        victims.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : victims) {
            p.onExit().get(20, TimeUnit.SECONDS);
        }
        assertThat(node.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
}
