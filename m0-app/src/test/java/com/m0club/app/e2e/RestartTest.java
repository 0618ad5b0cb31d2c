package com.m0club.app.e2e;

import static com.m0club.app.e2e.DevNode.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.m0club.api.testing.TestHttp;
import com.m0club.app.node.OracleNode;
import com.m0club.chain.LedgerEvent;
import com.m0club.chain.MarketValue;
import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.publish.store.PublishStore;
import com.m0club.view.PublishStatus;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the oracle mid-run and starting it again on the same data directory (the embedded PostgreSQL restarts on
 * its data, the local ledger replays its journal, the signer agents keep their keys and state) loses nothing that
 * was accepted and commits nothing twice: sequences keep rising, every bundle revealed before the restart is still
 * revealed, and every market's latest value is at least as new as before.
 */
class RestartTest {
    private static final Set<PublishStatus> LANDED = Set.of(PublishStatus.REVEALED, PublishStatus.FINALIZED);

    @TempDir
    Path dataDir;

    @Test
    void restartOnTheSameDataDirLosesNothingAndCommitsNothingTwice() throws Exception {
        long setId;
        long highestBefore;
        long lastSequenceBefore;
        long eventsBefore;
        Set<Hash32> revealedBefore;
        Map<MarketId, MarketValue> latestBefore = new HashMap<>();
        Hash32 inFlight;

        try (OracleNode first = DevNode.start(dataDir)) {
            setId = first.signerSet().id();
            DevNode.await("at least 3 bundles revealed before the restart", PATIENCE,
                    () -> DevNode.events(first.ledger(), LedgerEvent.Revealed.class).size() >= 3);
            // Stopped mid-run: wait for a moment where a bundle is committed but not yet revealed (the ledger wants
            // the reveal at least a slot after the commit), so the restart has a commitment to resume.
            PublishStore firstStore = new PublishStore(first.database().jdbc());
            inFlight = DevNode.awaitValue("a bundle COMMITTED and not yet revealed", PATIENCE,
                    () -> firstStore.unfinished().stream().filter(b -> b.status() == PublishStatus.COMMITTED)
                            .map(PublishStore.StoredBundle::bundleHash).findFirst());
            List<LedgerEvent.Revealed> revealed = DevNode.events(first.ledger(), LedgerEvent.Revealed.class);
            highestBefore = revealed.stream().mapToLong(LedgerEvent.Revealed::sequence).max().orElseThrow();
            revealedBefore = revealed.stream().map(LedgerEvent.Revealed::bundleHash)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            lastSequenceBefore = first.ledger().lastSequence(setId);
            eventsBefore = first.ledger().nextEventIndex();
            for (LedgerEvent.Revealed r : revealed) {
                for (MarketId m : r.markets()) {
                    first.ledger().latest(m).ifPresent(v -> latestBefore.put(m, v));
                }
            }
        }
        assertThat(lastSequenceBefore).isGreaterThanOrEqualTo(highestBefore);
        assertThat(latestBefore).isNotEmpty();

        try (OracleNode second = DevNode.start(dataDir)) {
            assertThat(second.signerSet().id()).isEqualTo(setId);
            assertThat(second.ledger().nextEventIndex()).as("the ledger kept its events")
                    .isGreaterThanOrEqualTo(eventsBefore);
            DevNode.await("3 bundles revealed after the restart", PATIENCE,
                    () -> second.ledger().events(eventsBefore, 100_000).stream()
                            .filter(e -> e instanceof LedgerEvent.Revealed).count() >= 3);

            // The bundle caught between commit and reveal is resumed: revealed (exactly once, checked below).
            DevNode.await("the in-flight bundle " + inFlight.toHex() + " revealed", PATIENCE,
                    () -> second.ledger().revealedBundle(inFlight).isPresent());

            List<LedgerEvent> all = DevNode.events(second.ledger());
            // Sequences keep rising: whatever was revealed after the restart is above everything revealed before.
            List<Long> revealedAfter = all.stream().filter(e -> e.index() >= eventsBefore)
                    .filter(e -> e instanceof LedgerEvent.Revealed).map(e -> ((LedgerEvent.Revealed) e).sequence())
                    .toList();
            assertThat(revealedAfter).isNotEmpty().allSatisfy(s -> assertThat(s).isGreaterThan(highestBefore));
            assertThat(revealedAfter).isSorted();
            assertThat(second.ledger().lastSequence(setId)).isGreaterThanOrEqualTo(lastSequenceBefore)
                    .isGreaterThan(highestBefore);

            // Nothing committed twice: one commitment per commit hash and per (signer set, sequence), one reveal
            // per bundle.
            Set<Hash32> commitHashes = new HashSet<>();
            Set<String> setSequences = new HashSet<>();
            Set<Hash32> revealedBundles = new HashSet<>();
            for (LedgerEvent e : all) {
                if (e instanceof LedgerEvent.Committed c) {
                    assertThat(commitHashes.add(c.commitHash())).as("commit hash %s committed once",
                            c.commitHash().toHex()).isTrue();
                    assertThat(setSequences.add(c.signerSetId() + "/" + c.sequence()))
                            .as("(set %s, sequence %s) committed once", c.signerSetId(), c.sequence()).isTrue();
                } else if (e instanceof LedgerEvent.Revealed r) {
                    assertThat(revealedBundles.add(r.bundleHash())).as("bundle %s revealed once",
                            r.bundleHash().toHex()).isTrue();
                }
            }
            assertThat(revealedBundles).containsAll(revealedBefore).contains(inFlight);

            // Every bundle revealed before the restart is still REVEALED or FINALIZED in PostgreSQL and in the API.
            PublishStore store = new PublishStore(second.database().jdbc());
            TestHttp http = new TestHttp(DevNode.api(second));
            for (Hash32 hash : revealedBefore) {
                DevNode.await("bundle " + hash.toHex() + " REVEALED or FINALIZED in PostgreSQL", PATIENCE,
                        () -> store.find(hash).map(b -> LANDED.contains(b.status())).orElse(false));
                JsonNode bundle = http.json("/v1/bundles/" + hash.toHex());
                assertThat(bundle.get("status").asText()).isIn("REVEALED", "FINALIZED");
            }

            // Nothing accepted is lost: each market's latest is at least as new as before, on the ledger and as
            // served (once the reconciler has caught up with the ledger).
            for (Map.Entry<MarketId, MarketValue> e : latestBefore.entrySet()) {
                MarketValue before = e.getValue();
                MarketValue after = second.ledger().latest(e.getKey()).orElseThrow();
                assertThat(after.sequence()).as("%s latest sequence", e.getKey()).isGreaterThanOrEqualTo(
                        before.sequence());
                assertThat(after.epochId()).isGreaterThanOrEqualTo(before.epochId());
                String path = "/v1/markets/" + e.getKey().value() + "/latest";
                DevNode.await(path + " at least as new as before the restart", PATIENCE, () -> {
                    TestHttp.Response r = http.get(path);
                    return r.status() == 200 && r.json().at("/proof/sequence").asLong() >= before.sequence();
                });
            }
        }
    }
}
