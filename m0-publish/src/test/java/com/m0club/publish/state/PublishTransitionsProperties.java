package com.m0club.publish.state;

import static com.m0club.view.PublishStatus.BUILT;
import static com.m0club.view.PublishStatus.COMMITTED;
import static com.m0club.view.PublishStatus.FAILED;
import static com.m0club.view.PublishStatus.FINALIZED;
import static com.m0club.view.PublishStatus.MISMATCH;
import static com.m0club.view.PublishStatus.REVEALED;
import static com.m0club.view.PublishStatus.SIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import com.m0club.view.PublishStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The publish state machine: forward-only walks, closed terminals, and {@code reachable} as the closure of next. */
class PublishTransitionsProperties {

    /** A random walk from BUILT along {@code next}: the choice at each step is drawn from {@code seed}. */
    private static List<PublishStatus> walk(long seed) {
        Random random = new Random(seed);
        List<PublishStatus> path = new ArrayList<>(List.of(BUILT));
        PublishStatus at = BUILT;
        while (!PublishTransitions.next(at).isEmpty()) {
            List<PublishStatus> options = new ArrayList<>(PublishTransitions.next(at));
            at = options.get(random.nextInt(options.size()));
            path.add(at);
            assertThat(path).as("a walk is bounded by the number of states").hasSizeLessThanOrEqualTo(
                    PublishStatus.values().length);
        }
        return path;
    }

    @Property(tries = 500)
    void walksGoForwardAndEndInATerminalState(@ForAll long seed) {
        List<PublishStatus> path = walk(seed);
        assertThat(path.getLast().isTerminal()).as("walk %s ends terminal", path).isTrue();
        assertThat(EnumSet.copyOf(path)).as("walk %s never revisits a state", path).hasSize(path.size());
        for (int i = 1; i < path.size(); i++) {
            assertThat(PublishTransitions.allowed(path.get(i - 1), path.get(i))).isTrue();
            assertThat(PublishTransitions.reachable(path.get(0), path.get(i))).isTrue();
            assertThat(PublishTransitions.reachable(path.get(i), path.get(i - 1)))
                    .as("no way back from %s to %s", path.get(i), path.get(i - 1)).isFalse();
        }
    }

    @Property(tries = 500)
    void finalizedOnlyEverFollowsRevealed(@ForAll long seed) {
        List<PublishStatus> path = walk(seed);
        int finalized = path.indexOf(FINALIZED);
        if (finalized >= 0) {
            assertThat(path.get(finalized - 1)).as("walk %s", path).isEqualTo(REVEALED);
            assertThat(path.subList(0, finalized)).contains(BUILT, SIGNED, COMMITTED, REVEALED);
        }
    }

    @Property
    void finalizedIsOnlyANextStepOfRevealed(@ForAll PublishStatus from) {
        assertThat(PublishTransitions.next(from).contains(FINALIZED)).isEqualTo(from == REVEALED);
        if (from != FINALIZED && from != REVEALED && PublishTransitions.reachable(from, FINALIZED)) {
            assertThat(PublishTransitions.reachable(from, REVEALED)).as("every way from %s to FINALIZED passes REVEALED", from)
                    .isTrue();
        }
    }

    @Property
    void terminalStatesHaveNoExits(@ForAll PublishStatus from, @ForAll PublishStatus to) {
        if (from.isTerminal()) {
            assertThat(PublishTransitions.next(from)).isEmpty();
            assertThat(PublishTransitions.reachable(from, to)).isEqualTo(from == to);
            assertThat(PublishTransitions.allowed(from, to)).isEqualTo(from == to);
        }
    }

    @Property
    void sameStateIsAlwaysAllowed(@ForAll PublishStatus s) {
        assertThat(PublishTransitions.allowed(s, s)).isTrue();
        assertThat(PublishTransitions.reachable(s, s)).isTrue();
    }

    @Property
    void allowedIsExactlyNextPlusSelf(@ForAll PublishStatus from, @ForAll PublishStatus to) {
        assertThat(PublishTransitions.allowed(from, to)).isEqualTo(from == to || PublishTransitions.next(from)
                .contains(to));
    }

    @Property
    void reachableIsTheClosureOfNextThroughNonTerminalSteps(@ForAll PublishStatus from, @ForAll PublishStatus to) {
        assertThat(PublishTransitions.reachable(from, to)).as("%s -> %s", from, to).isEqualTo(closure(from)
                .contains(to));
    }

    /** {@code from} and everything reachable by {@code next}, expanding only non-terminal states past the first. */
    private static Set<PublishStatus> closure(PublishStatus from) {
        Set<PublishStatus> seen = EnumSet.of(from);
        Deque<PublishStatus> todo = new ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            PublishStatus s = todo.poll();
            if (s != from && s.isTerminal()) {
                continue;
            }
            for (PublishStatus n : PublishTransitions.next(s)) {
                if (seen.add(n)) {
                    todo.add(n);
                }
            }
        }
        return seen;
    }

    @Property
    void failedIsReachableFromEveryStateBeforeTheLedgerAcceptedTheBundle(@ForAll PublishStatus from) {
        boolean beforeReveal = from == BUILT || from == SIGNED || from == COMMITTED;
        assertThat(PublishTransitions.next(from).contains(FAILED)).isEqualTo(beforeReveal);
        assertThat(PublishTransitions.reachable(from, FAILED)).isEqualTo(beforeReveal || from == FAILED);
    }

    @Example
    void noNonTerminalStateIsADeadEnd() {
        // every non-terminal state can fail or (once revealed) turn out a mismatch: none is a dead end
        for (PublishStatus s : PublishStatus.values()) {
            if (!s.isTerminal()) {
                assertThat(PublishTransitions.next(s)).as("exits of %s", s).isNotEmpty()
                        .containsAnyOf(FAILED, MISMATCH);
            }
        }
    }

    @Example
    void mismatchNeedsSomethingOnTheLedger() {
        for (PublishStatus s : PublishStatus.values()) {
            assertThat(PublishTransitions.next(s).contains(MISMATCH)).as(s.name())
                    .isEqualTo(s == COMMITTED || s == REVEALED);
        }
    }

    @Example
    void theReconcilerMayJumpAheadAfterACrash() {
        assertThat(PublishTransitions.allowed(SIGNED, REVEALED)).isFalse();
        assertThat(PublishTransitions.reachable(SIGNED, REVEALED)).isTrue();
        assertThat(PublishTransitions.reachable(SIGNED, FINALIZED)).isTrue();
        assertThat(PublishTransitions.reachable(REVEALED, COMMITTED)).isFalse();
        assertThat(PublishTransitions.reachable(FINALIZED, SIGNED)).isFalse();
    }
}
