package com.m0club.app.e2e;

import static com.m0club.app.e2e.DevNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.protocol.hash.Hash32;
import com.m0club.runtime.config.M0Keys;
import com.m0club.store.postgres.Jdbc;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 5, on the whole node: the database refuses every move of a bundle to COMMITTED for longer than the
 * submitter's in-place retries last, while the ledger keeps accepting commits. The bundle whose commit landed stays
 * SIGNED; once the database is back the submitter role takes it up again by itself (no restart) and reveals it
 * inside its reveal window; nothing is marked FAILED.
 */
class SubmitterResumeTest {
    @TempDir
    Path dataDir;

    @Test
    void aBundleStuckByADatabaseOutageAfterItsCommitIsRevealedWithoutARestart() throws Exception {
        // epochs long enough (60 s, finalized 30 s after they end) that the outage below cannot outlast them: the
        // ledger refuses a reveal into a finalized epoch, which would be a correct failure, not the one tested here
        Map<String, String> env = new HashMap<>(DevNode.env(dataDir));
        env.put("M0_DEV_EPOCH_WINDOW_MS", "60000");
        env.put("M0_DEV_FINALIZATION_DELAY_MS", "30000");
        NodeOptions options = NodeOptions.fromConfig(M0Keys.load(env, Optional.empty())).withPorts(0, 0, 0)
                .withPostgresBinaries(DevNode.postgresBinaries());
        try (OracleNode node = OracleNode.start(options)) {
            Jdbc jdbc = node.database().jdbc();
            DevNode.await("a first bundle revealed", PATIENCE,
                    () -> DevNode.counter(node, "m0_submitter_bundles", "outcome", "revealed") >= 1);
            DevNode.refuseMovesToCommitted(jdbc);

            // the in-place retries run out (StoreUnavailable) and the role schedules its own retry
            DevNode.await("the submitter role retrying a bundle the store refused", PATIENCE,
                    () -> DevNode.counter(node, "m0_submitter_resumes", "why", "retry") >= 1);
            Hash32 stuck = DevNode.awaitValue("a bundle SIGNED in PostgreSQL whose commit is on the ledger", PATIENCE,
                    () -> jdbc.query("test.stuck", "SELECT commit_hash, bundle_hash FROM bundles WHERE status ="
                            + " 'SIGNED' AND commit_hash IS NOT NULL ORDER BY sequence", rs -> new Hash32[] {
                                Hash32.of(rs.getBytes(1)), Hash32.of(rs.getBytes(2))}).stream()
                            .filter(h -> node.ledger().commitment(h[0]).isPresent()).map(h -> h[1]).findFirst());

            DevNode.allowMovesToCommitted(jdbc);

            DevNode.await("the stuck bundle revealed without a restart", PATIENCE,
                    () -> jdbc.queryOne("test.status", "SELECT status FROM bundles WHERE bundle_hash = ?",
                            rs -> rs.getString(1), stuck.toByteArray())
                            .filter(s -> s.equals("REVEALED") || s.equals("FINALIZED")).isPresent());
            assertThat(node.ledger().revealedBundle(stuck)).isPresent();
            assertThat(DevNode.counter(node, "m0_submitter_bundles", "outcome", "failed")).isZero();
            assertThat(DevNode.counter(node, "m0_submitter_store_failures", "step", "mark_committed")).isPositive();
            Optional<Long> failed = jdbc.queryOne("test.failed",
                    "SELECT COUNT(*) FROM bundles WHERE status = 'FAILED'", rs -> rs.getLong(1));
            assertThat(failed).hasValue(0L);
        }
    }
}
