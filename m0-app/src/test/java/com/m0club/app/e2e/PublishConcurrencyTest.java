package com.m0club.app.e2e;

import static com.m0club.app.e2e.DevNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.app.node.NodeOptions;
import com.m0club.app.node.OracleNode;
import com.m0club.chain.LedgerEvent;
import com.m0club.runtime.config.M0Keys;
import com.m0club.store.postgres.Jdbc;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code publish_concurrency} on the whole node: a backlog of signed bundles (held back by a database that refuses
 * every move to COMMITTED for a while) is published by four workers at once, and the ledger still sees the signer
 * set's reveals in rising sequence order with no rejection, no failure and nothing left behind.
 */
class PublishConcurrencyTest {
    @TempDir
    Path dataDir;

    @Test
    void fourWorkersRevealABacklogInSequenceOrderWithoutARejection() throws Exception {
        Map<String, String> env = new HashMap<>(DevNode.env(dataDir));
        env.put("M0_PUBLISH_CONCURRENCY", "4");
        env.put("M0_DEV_EPOCH_WINDOW_MS", "60000");
        env.put("M0_DEV_FINALIZATION_DELAY_MS", "30000");
        NodeOptions options = NodeOptions.fromConfig(M0Keys.load(env, Optional.empty())).withPorts(0, 0, 0)
                .withPostgresBinaries(DevNode.postgresBinaries());
        try (OracleNode node = OracleNode.start(options)) {
            Jdbc jdbc = node.database().jdbc();
            DevNode.await("a first bundle revealed", PATIENCE,
                    () -> DevNode.counter(node, "m0_submitter_bundles", "outcome", "revealed") >= 1);
            DevNode.refuseMovesToCommitted(jdbc);
            DevNode.await("a backlog of at least 6 signed bundles", PATIENCE,
                    () -> jdbc.queryOne("test.backlog", "SELECT COUNT(*) FROM bundles WHERE status = 'SIGNED'",
                            rs -> rs.getLong(1)).orElse(0L) >= 6);
            long backlogTop = jdbc.queryOne("test.top", "SELECT MAX(sequence) FROM bundles WHERE status = 'SIGNED'",
                    rs -> rs.getLong(1)).orElseThrow();
            DevNode.allowMovesToCommitted(jdbc);

            DevNode.await("the backlog (up to sequence " + backlogTop + ") revealed", PATIENCE,
                    () -> jdbc.queryOne("test.left", "SELECT COUNT(*) FROM bundles WHERE status NOT IN ('REVEALED',"
                            + " 'FINALIZED') AND sequence <= " + backlogTop, rs -> rs.getLong(1)).orElse(1L) == 0);

            List<LedgerEvent.Revealed> reveals = DevNode.events(node.ledger(), LedgerEvent.Revealed.class);
            List<Long> sequences = reveals.stream().map(LedgerEvent.Revealed::sequence).toList();
            assertThat(sequences).as("reveals in rising sequence order").isSorted().doesNotHaveDuplicates();
            assertThat(sequences).as("every sequence up to the backlog's top revealed")
                    .containsAll(java.util.stream.LongStream.rangeClosed(1, backlogTop).boxed().toList());
            assertThat(DevNode.counter(node, "m0_submitter_bundles", "outcome", "failed")).isZero();
            // REVEAL_TOO_EARLY is the ledger's "wait a slot", retried by design; nothing else may be refused
            for (String reason : List.of("SEQUENCE_NOT_INCREASING", "DUPLICATE_COMMIT_SEQUENCE", "COMMIT_HASH_REUSED",
                    "COMMIT_NOT_FOUND", "COMMIT_MISMATCH", "REVEAL_TOO_LATE")) {
                assertThat(DevNode.counter(node, "m0_submitter_ledger_rejections", "reason", reason)).as(reason)
                        .isZero();
            }
            assertThat(DevNode.counter(node, "m0_submitter_store_failures", "step", "mark_committed"))
                    .as("the outage held bundles back").isPositive();
        }
    }
}
