package com.m0club.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    private final List<String> events = new CopyOnWriteArrayList<>();

    private Service service(String name, boolean failStart, boolean failClose) {
        return new Service() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start() throws Exception {
                if (failStart) {
                    throw new java.io.IOException(name + " cannot bind");
                }
                events.add("start " + name);
            }

            @Override
            public void close() {
                events.add("close " + name);
                if (failClose) {
                    throw new IllegalStateException(name + " close failed");
                }
            }
        };
    }

    @Test
    void startsInOrderAndClosesInReverse() {
        Lifecycle lifecycle = Lifecycle.builder()
                .add(service("admin", false, false))
                .add(service("db", false, false))
                .add(service("engine", false, false))
                .build();

        lifecycle.start();
        assertThat(lifecycle.isRunning()).isTrue();
        lifecycle.close();

        assertThat(events).containsExactly("start admin", "start db", "start engine",
                "close engine", "close db", "close admin");
        assertThat(lifecycle.isRunning()).isFalse();
    }

    @Test
    void failedStartClosesStartedServicesInReverseAndNamesTheFailure() throws Exception {
        Lifecycle lifecycle = Lifecycle.builder()
                .add(service("admin", false, false))
                .add(service("db", false, false))
                .add(service("signer-client", true, false))
                .add(service("engine", false, false))
                .build();

        assertThatThrownBy(lifecycle::start)
                .isInstanceOfSatisfying(LifecycleException.class, e -> {
                    assertThat(e.service()).isEqualTo("signer-client");
                    assertThat(e.getMessage()).contains("signer-client").contains("cannot bind");
                    assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
                });

        assertThat(events).containsExactly("start admin", "start db", "close db", "close admin");
        assertThat(lifecycle.awaitShutdown(Duration.ofSeconds(5))).isTrue();
        lifecycle.close();
        assertThat(events).hasSize(4);
    }

    @Test
    void closeContinuesPastFailuresAndIsIdempotent() {
        Lifecycle lifecycle = Lifecycle.builder()
                .add(service("a", false, false))
                .add(service("b", false, true))
                .add(service("c", false, false))
                .build();
        lifecycle.start();

        lifecycle.close();
        lifecycle.close();

        assertThat(events).containsExactly("start a", "start b", "start c", "close c", "close b", "close a");
    }

    @Test
    void startTwiceOrAfterCloseIsRejected() {
        Lifecycle lifecycle = Lifecycle.builder().add(service("a", false, false)).build();
        lifecycle.start();
        assertThatThrownBy(lifecycle::start).isInstanceOf(IllegalStateException.class);
        lifecycle.close();
        assertThatThrownBy(lifecycle::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void awaitShutdownReturnsOnceClosedFromAnotherThread() throws Exception {
        Lifecycle lifecycle = Lifecycle.builder().add(service("a", false, false)).build();
        lifecycle.start();
        lifecycle.installShutdownHook();
        lifecycle.installShutdownHook();

        assertThat(lifecycle.awaitShutdown(Duration.ofMillis(1))).isFalse();
        Thread closer = Thread.ofVirtual().start(lifecycle::close);
        lifecycle.awaitShutdown();
        closer.join();

        assertThat(events).containsExactly("start a", "close a");
    }

    @Test
    void incrementalStartsAtOnceAndClosesEverythingInReverse() {
        Lifecycle lifecycle = Lifecycle.incremental();
        lifecycle.start(service("db", false, false));
        lifecycle.own("pool", () -> events.add("close pool"));
        lifecycle.start(service("api", false, true));
        assertThat(lifecycle.isRunning()).isTrue();
        assertThat(lifecycle.openNames()).containsExactly("api", "pool", "db");

        lifecycle.close();
        lifecycle.close();
        assertThat(events).containsExactly("start db", "start api", "close api", "close pool", "close db");
        assertThat(lifecycle.isRunning()).isFalse();
    }

    @Test
    void incrementalFailedStartNamesTheServiceAndLeavesTheOthersToTheCaller() {
        Lifecycle lifecycle = Lifecycle.incremental();
        lifecycle.start(service("db", false, false));
        assertThatThrownBy(() -> lifecycle.start(service("ledger", true, false)))
                .isInstanceOf(LifecycleException.class).hasMessageContaining("ledger");
        assertThat(lifecycle.openNames()).containsExactly("db");
        lifecycle.close();
        assertThat(events).containsExactly("start db", "close db");
    }

    @Test
    void ownAfterCloseClosesTheResourceAndRefuses() {
        Lifecycle lifecycle = Lifecycle.incremental();
        lifecycle.close();
        assertThatThrownBy(() -> lifecycle.own("late", () -> events.add("close late")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("late");
        assertThatThrownBy(() -> lifecycle.start(service("later", false, false)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("later");
        assertThat(events).containsExactly("close late");
    }
}
