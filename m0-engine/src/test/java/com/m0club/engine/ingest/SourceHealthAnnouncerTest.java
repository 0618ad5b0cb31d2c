package com.m0club.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.SourceId;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SourceHealthAnnouncerTest {
    static final SourceId A = SourceId.of("book-a");
    static final MarketId M1 = MarketId.of("NBA_LAL_BOS");
    static final MarketId M2 = MarketId.of("EPL_ARS_MCI");

    @Test
    void aDegradedPairIsReportedAtOnceThenEveryRepeatIntervalAndOnceHealthyOnRecovery() {
        SourceHealthAnnouncer announcer = new SourceHealthAnnouncer();
        assertThat(announcer.update(Map.of(), 0)).isEmpty();
        assertThat(announcer.update(Map.of(A, Set.of(M1, M2)), 1_000)).containsExactly(
                new SourceHealth(A, M2, true, 1_000), new SourceHealth(A, M1, true, 1_000));
        assertThat(announcer.update(Map.of(A, Set.of(M1, M2)), 1_000 + SourceHealthAnnouncer.REPEAT_MS - 1))
                .isEmpty();
        assertThat(announcer.update(Map.of(A, Set.of(M1, M2)), 1_000 + SourceHealthAnnouncer.REPEAT_MS))
                .hasSize(2).allMatch(SourceHealth::degraded);
        assertThat(announcer.update(Map.of(A, Set.of(M1)), 3_100))
                .containsExactly(new SourceHealth(A, M2, false, 3_100));
        assertThat(announcer.update(Map.of(), 3_200)).containsExactly(new SourceHealth(A, M1, false, 3_200));
        assertThat(announcer.update(Map.of(), 9_000)).as("healthy is said once").isEmpty();
    }
}
