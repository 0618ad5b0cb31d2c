package com.m0club.chain.local;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A snapshot of the ledger state after record {@code records} of the journal, {@code snapshot-<records>.m0s}
 * beside the journal segments. Written to a temporary file, forced, atomically renamed and the directory forced, so
 * a snapshot file is either whole or absent; the checksum catches later damage.
 *
 * <pre>
 *   file = "M0LSNAP1" u32 version i64 genesis_ms i64 records i64 last_time_ms u32 length state u32 crc32c(all before)
 * </pre>
 *
 * <p>{@code state} is {@link LedgerState#encode}: deterministic, so the same history always gives the same bytes.
 * Version 2 adds the pruned-epoch floors of {@link LedgerState#prune}; version 1 files (written before pruning)
 * still read.
 *
 * @param version the file's format version ({@link #VERSION} for a snapshot this build writes)
 * @param records journal records the snapshot covers (global ordinals 1..records)
 * @param lastTimeMs ledger time of record {@code records} (the clock never runs back before it)
 */
record LedgerSnapshot(int version, long genesisMs, long records, long lastTimeMs, byte[] state) {
    static final byte[] MAGIC = "M0LSNAP1".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    /** The oldest version this build reads. */
    static final int OLDEST_READABLE_VERSION = 1;
    private static final int FIXED = 8 + 4 + 8 + 8 + 8 + 4;
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.m0s");

    /** A snapshot in this build's format ({@link #VERSION}). */
    LedgerSnapshot(long genesisMs, long records, long lastTimeMs, byte[] state) {
        this(VERSION, genesisMs, records, lastTimeMs, state);
    }

    static LedgerSnapshot of(LedgerState state, long genesisMs, long records, long lastTimeMs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            state.encode(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new LedgerSnapshot(genesisMs, records, lastTimeMs, bytes.toByteArray());
    }

    static Path fileFor(Path directory, long records) {
        return directory.resolve(String.format("snapshot-%020d.m0s", records));
    }

    /** Snapshot files in {@code directory}, newest (most records) first, with the records each names. */
    static List<Named> list(Path directory) throws IOException {
        List<Named> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(new Named(p, Long.parseLong(m.group(1))));
                }
            }
        }
        out.sort(Comparator.comparingLong(Named::records).reversed());
        return out;
    }

    /** A snapshot file and the record count its name says it covers. */
    record Named(Path file, long records) {}

    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(FIXED + state.length + 4);
        b.put(MAGIC).putInt(version).putLong(genesisMs).putLong(records).putLong(lastTimeMs).putInt(state.length)
                .put(state);
        b.putInt(Journal.crc32c(b.array(), 0, b.position()));
        return b.array();
    }

    /** Parses a snapshot file's bytes; anything that is not exactly a whole snapshot is an {@link IOException}. */
    static LedgerSnapshot fromBytes(byte[] b) throws IOException {
        if (b.length < FIXED + 4) {
            throw new IOException("the file is " + b.length + " bytes, shorter than a snapshot header");
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                throw new IOException("not an M0 ledger snapshot (bad magic)");
            }
        }
        int version = buf.getInt(8);
        if (version < OLDEST_READABLE_VERSION || version > VERSION) {
            throw new IOException("snapshot version " + version + ", this build reads versions "
                    + OLDEST_READABLE_VERSION + " to " + VERSION);
        }
        int length = buf.getInt(FIXED - 4);
        if (length < 0 || (long) FIXED + length + 4 != b.length) {
            throw new IOException("state length " + length + " does not match the file size " + b.length);
        }
        if (Journal.crc32c(b, 0, FIXED + length) != buf.getInt(FIXED + length)) {
            throw new IOException("the checksum fails");
        }
        byte[] state = new byte[length];
        System.arraycopy(b, FIXED, state, 0, length);
        return new LedgerSnapshot(version, buf.getLong(12), buf.getLong(20), buf.getLong(28), state);
    }

    /** Decodes the state; a state that does not parse exactly is an {@link IOException}. */
    LedgerState decodeState(int maxEvents) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        LedgerState s;
        try {
            s = LedgerState.decode(in, maxEvents, version);
        } catch (RuntimeException e) {
            throw new IOException("the state does not decode: " + e, e);
        }
        if (in.available() > 0) {
            throw new IOException(in.available() + " trailing bytes after the state");
        }
        return s;
    }

    /** Writes this snapshot into {@code directory} atomically (temporary file, force, rename, force directory). */
    Path write(Path directory) throws IOException {
        Path target = fileFor(directory, records);
        Path tmp = target.resolveSibling(target.getFileName() + ".new");
        ByteBuffer bytes = ByteBuffer.wrap(toBytes());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Journal.forceDirectory(directory.toAbsolutePath());
        return target;
    }
}
