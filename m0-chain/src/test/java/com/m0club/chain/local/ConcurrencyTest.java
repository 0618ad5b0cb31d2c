package com.m0club.chain.local;

import com.m0club.protocol.testing.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.m0club.chain.LedgerEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void concurrentWritersAndReadersKeepOneOrder() throws Exception {
        try (Harness h = new Harness(dir)) {
            List<Harness.Prepared> prepared = new ArrayList<>();
            for (int seq = 1; seq <= 80; seq++) {
                prepared.add(h.prepare(seq));
            }
            List<LedgerEvent> pushed = new ArrayList<>();
            h.ledger.subscribe(pushed::add);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int i = thread; i < prepared.size(); i += 4) {
                            h.commit(prepared.get(i));
                            h.ledger.events(0, 1_000); // a reader between writes
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            List<LedgerEvent> events = h.ledger.events(0, 1_000);
            assertThat(events).hasSize(80);
            assertThat(pushed).isEqualTo(events);
            h.reopen();
            assertThat(h.ledger.events(0, 1_000)).isEqualTo(events);
        }
    }

    /** A second process holding the directory lock: the open fails at once and says so. */
    @Test
    void anotherProcessHoldingTheDirectoryIsRefused() throws Exception {
        Path ledgerDir = dir.resolve("ledger");
        Files.createDirectories(ledgerDir);
        Path source = dir.resolve("Locker.java");
        Files.writeString(source, """
                import java.nio.channels.FileChannel;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;
                public class Locker {
                    public static void main(String[] args) throws Exception {
                        FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE);
                        var lock = ch.lock();
                        System.out.println("locked");
                        System.out.flush();
                        System.in.read();
                        lock.release();
                    }
                }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process locker = new ProcessBuilder(java, source.toString(), ledgerDir.resolve(DirectoryLock.FILE_NAME)
                .toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(locker.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> Fixture.open(ledgerDir, new ManualClock(Fixture.T0)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("locked by another process");
        } finally {
            locker.destroyForcibly();
            locker.waitFor(30, TimeUnit.SECONDS);
        }
        try (LocalLedger l = Fixture.open(ledgerDir, new ManualClock(Fixture.T0))) {
            assertThat(l.nextEventIndex()).isZero();
        }
    }
}
