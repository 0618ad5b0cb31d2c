package com.m0club.signer.guard;

import com.m0club.protocol.hash.Hash32;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The replay guard's files: an append-only journal of fixed-size records kept in <b>two copies</b> (a primary and a
 * mirror file), bound to the agent's public key, each record fsynced in both before the guard answers.
 *
 * <pre>
 *   header 52 bytes  little-endian
 *     [8]  ASCII "M0RGJNL2"
 *     [32] public key of the agent this journal belongs to (zeros: unbound, tests only)
 *     u64  generation (incremented by every compaction / recovery rewrite)
 *     u32  crc32c of the 48 bytes above
 *   record 49 bytes  little-endian
 *     u8   type            1 = SIGNED, 2 = FLOOR (every sequence &lt;= sequence is refused; hash is zeros)
 *     u32  signer_set_id
 *     u64  sequence
 *     [32] bundle_hash
 *     u32  crc32c of the 45 bytes above
 * </pre>
 *
 * <p><b>Write order (the proof).</b> An append writes the record to the primary and forces it, then writes it to the
 * mirror and forces that, and only then returns (and only then does the agent return a signature). So an
 * <em>acknowledged</em> record is complete in both files, and the mirror never holds a record the primary did not
 * already hold durably.
 *
 * <p><b>Recovery on open.</b> Both files are read; a record that fails its CRC with more records after it is corruption
 * (refuse). With {@code P}, {@code M} the valid records of each and one a prefix of the other:
 * <ul>
 *   <li>equal counts and a partial/CRC-failing tail only in the primary: a crash during the primary write; the mirror
 *       never got it, so it was never acknowledged: dropped (the only case where anything is dropped);</li>
 *   <li>the mirror ahead: the primary was damaged (the mirror never leads by a crash); the mirror holds every
 *       acknowledged record and is kept (its own torn tail, a mirror write in flight, never was acknowledged);</li>
 *   <li>the primary ahead with no torn tail: the mirror lost records (a crash between the two writes, or damage);
 *       the primary holds every acknowledged record and is kept;</li>
 *   <li>the primary missing or unreadable: the mirror holds every acknowledged record; its own torn tail (a crash
 *       during the mirror write, never acknowledged) is dropped;</li>
 *   <li>the mirror missing or unreadable: the primary is kept only if it has no torn tail;</li>
 *   <li>anything else (both lost, the primary ahead with a torn tail, different records, different keys, a
 *       damaged newer generation): the agent refuses to start; see the runbook in docs/operations.md.</li>
 * </ul>
 * A repaired pair is rewritten (the damaged files are kept beside it as {@code *.damaged-<millis>}).
 *
 * <p><b>Compaction.</b> {@link #rewrite} writes the given records with the next generation to a temporary file,
 * forces it, renames it over the primary, then does the same for the mirror. A crash between the renames leaves a
 * newer complete primary and an older mirror: the newer generation wins.
 *
 * <p><b>Exclusivity.</b> An OS file lock on a sibling lock file keeps two agents (processes, or instances in one JVM)
 * from sharing a state directory.
 */
final class ReplayJournal implements AutoCloseable {
    static final String FILE_NAME = "replay-guard.journal";
    static final String MIRROR_NAME = "replay-guard.journal.mirror";
    static final String LOCK_NAME = "replay-guard.lock";
    static final String COMPACT_NAME = "replay-guard.journal.compact";
    static final String RUNBOOK = "docs/operations.md, \"Runbook: signer agent journal damaged or lost\"";

    static final byte[] MAGIC = "M0RGJNL2".getBytes(StandardCharsets.US_ASCII);
    /** The previous single-copy format, converted on open when it is intact. */
    static final byte[] V1_MAGIC = "M0RGJNL1".getBytes(StandardCharsets.US_ASCII);
    static final int KEY_LENGTH = 32;
    static final int HEADER_LENGTH = MAGIC.length + KEY_LENGTH + 8 + 4;
    static final int RECORD_LENGTH = 1 + 4 + 8 + Hash32.LENGTH + 4;
    static final byte TYPE_SIGNED = 1;
    static final byte TYPE_FLOOR = 2;
    private static final int CRC_OFFSET = RECORD_LENGTH - 4;
    static final byte[] UNBOUND = new byte[KEY_LENGTH];

    private final Path dir;
    private final Path file;
    private final Path mirror;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final byte[] publicKey;
    private FileChannel channel;
    private FileChannel mirrorChannel;
    private long end;
    private long mirrorEnd;
    private long generation;

    /** What {@link #open} found on disk: the records to replay and the bytes of a provably unacknowledged tail. */
    record Contents(ReplayJournal journal, List<JournalEntry> entries, long bytesTruncated, boolean created,
            String repaired) {}

    /** One file as read: its header fields, valid records and how it ends. */
    private record Parsed(boolean exists, boolean headerOk, byte[] key, long generation, List<byte[]> records,
            long tornBytes, long corruptAt, long size) {
        boolean usable() {
            return exists && headerOk && corruptAt < 0;
        }
    }

    private ReplayJournal(Path dir, FileChannel lockChannel, FileLock lock, byte[] publicKey) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
        this.mirror = dir.resolve(MIRROR_NAME);
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.publicKey = publicKey;
    }

    /**
     * Locks {@code dir}, creates the journal pair if there is none (and {@code mustExist} is false), reads and
     * reconciles both copies. {@code publicKey} binds the journal to the agent's key (zeros: unbound).
     *
     * @throws ReplayGuardException when the journal cannot be proven complete
     */
    static Contents open(Path dir, byte[] publicKey, boolean mustExist) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ReplayGuardException("replay guard state dir " + dir + " cannot be created: " + e.getMessage(),
                    e);
        }
        ReplayJournal journal = locked(dir, publicKey);
        try {
            return journal.load(mustExist);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /**
     * Operator recovery: locks {@code dir}, moves any existing journal files aside ({@code *.damaged-<millis>}) and
     * writes a new journal pair for {@code publicKey} holding {@code floors} as FLOOR records.
     */
    static List<Path> recover(Path dir, byte[] publicKey, List<JournalEntry> floors) throws IOException {
        Files.createDirectories(dir);
        ReplayJournal journal = locked(dir, publicKey);
        try {
            List<Path> moved = new ArrayList<>();
            long stamp = System.currentTimeMillis();
            long gen = 0;
            for (Path p : List.of(journal.file, journal.mirror)) {
                if (Files.exists(p)) {
                    Parsed parsed = parse(p);
                    if (parsed.headerOk()) {
                        gen = Math.max(gen, parsed.generation());
                    }
                    Path aside = p.resolveSibling(p.getFileName() + ".damaged-" + stamp);
                    Files.move(p, aside);
                    moved.add(aside);
                }
            }
            journal.generation = gen + 1;
            journal.writeAtomically(journal.file, floors, true);
            journal.writeAtomically(journal.mirror, floors, true);
            return moved;
        } finally {
            journal.close();
        }
    }

    private static ReplayJournal locked(Path dir, byte[] publicKey) {
        FileChannel lockChannel;
        FileLock lock;
        try {
            lockChannel = FileChannel.open(dir.resolve(LOCK_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ReplayGuardException("replay guard lock " + dir.resolve(LOCK_NAME) + " cannot be opened: "
                    + e.getMessage(), e);
        }
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            closeQuietly(lockChannel);
            throw new ReplayGuardException("replay guard state dir " + dir + " is already in use by another signer "
                    + "agent in this JVM; each agent needs its own state dir", e);
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new ReplayGuardException("replay guard lock " + dir.resolve(LOCK_NAME) + " cannot be taken: "
                    + e.getMessage(), e);
        }
        if (lock == null) {
            closeQuietly(lockChannel);
            throw new ReplayGuardException("replay guard state dir " + dir + " is locked by another process; each "
                    + "signer agent needs its own state dir");
        }
        return new ReplayJournal(dir, lockChannel, lock, publicKey.clone());
    }

    private ReplayGuardException refuse(String why) {
        return new ReplayGuardException("replay journal " + file + " (mirror " + mirror.getFileName() + "): " + why
                + ". Refusing to start: the agent cannot prove what it has signed. See " + RUNBOOK);
    }

    private Contents load(boolean mustExist) {
        try {
            Files.deleteIfExists(dir.resolve(COMPACT_NAME)); // an unfinished compaction: the journal is intact
            upgradeV1();
            Parsed p = parse(file);
            Parsed m = parse(mirror);
            if (!p.exists() && !m.exists()) {
                if (mustExist) {
                    throw refuse("both copies are missing, but this key has signed before (its signed marker "
                            + "exists)");
                }
                generation = 0;
                writeAtomically(file, List.of(), false);
                writeAtomically(mirror, List.of(), false);
                openChannels();
                return new Contents(this, List.of(), 0, true, "");
            }
            if (p.exists() && p.corruptAt() >= 0) {
                throw refuse("is corrupt: the record at byte " + p.corruptAt() + " fails its CRC but more records "
                        + "follow it, which a crash cannot cause");
            }
            if (m.exists() && m.corruptAt() >= 0) {
                throw refuse("the mirror is corrupt: the record at byte " + m.corruptAt() + " fails its CRC but more "
                        + "records follow it, which a crash cannot cause");
            }
            for (Parsed x : List.of(p, m)) {
                if (x.usable() && !Arrays.equals(x.key(), publicKey)) {
                    throw refuse("belongs to the key " + HexFormat.of().formatHex(x.key()) + ", not to this agent's "
                            + "key " + HexFormat.of().formatHex(publicKey));
                }
            }
            List<byte[]> chosen;
            long dropped = 0;
            String repaired = "";
            if (p.usable() && m.usable()) {
                if (p.generation() != m.generation()) {
                    Parsed newer = p.generation() > m.generation() ? p : m;
                    if (newer.tornBytes() > 0) {
                        throw refuse("the copies have generations " + p.generation() + " and " + m.generation()
                                + " and the newer one has a damaged tail");
                    }
                    chosen = newer.records();
                    repaired = "an interrupted compaction: kept generation " + newer.generation();
                } else {
                    int np = p.records().size();
                    int nm = m.records().size();
                    int common = Math.min(np, nm);
                    for (int i = 0; i < common; i++) {
                        if (!Arrays.equals(p.records().get(i), m.records().get(i))) {
                            throw refuse("the two copies differ at record " + i);
                        }
                    }
                    if (np == nm) {
                        if (m.tornBytes() > 0) {
                            throw refuse("the mirror has a damaged record after its last one that the primary does "
                                    + "not have (the primary lost a record)");
                        }
                        chosen = p.records();
                        dropped = p.tornBytes(); // the mirror never had it, so it was never acknowledged
                    } else if (nm > np) {
                        // the mirror only ever holds what the primary already held durably: the primary was
                        // damaged, and the mirror holds every acknowledged record (its own torn tail never was)
                        chosen = m.records();
                        dropped = m.tornBytes();
                        repaired = "the primary lost " + (nm - np) + " record(s); restored from the mirror";
                    } else {
                        if (p.tornBytes() > 0) {
                            throw refuse("the mirror holds " + nm + " records, the primary " + np + " and a damaged "
                                    + "tail that may have been acknowledged (both copies are damaged)");
                        }
                        chosen = p.records();
                        repaired = "the mirror lacked " + (np - nm) + " record(s) (a crash between the two writes, "
                                + "or damage); restored from the primary";
                    }
                }
            } else if (m.usable()) {
                // the primary is gone or unreadable; the mirror holds every acknowledged record
                chosen = m.records();
                dropped = m.tornBytes();
                repaired = "the primary is " + (p.exists() ? "unreadable" : "missing") + "; restored from the mirror";
            } else if (p.usable()) {
                if (p.tornBytes() > 0) {
                    throw refuse("the mirror is " + (m.exists() ? "unreadable" : "missing") + " and the primary has a "
                            + "damaged last record, which may have been acknowledged");
                }
                chosen = p.records();
                repaired = "the mirror is " + (m.exists() ? "unreadable" : "missing") + "; restored from the primary";
            } else {
                throw refuse(p.exists() && !p.headerOk() && !m.exists()
                        ? "does not start with a valid " + new String(MAGIC, StandardCharsets.US_ASCII)
                                + " header; it is not a replay journal (of this version) or it is corrupt"
                        : "neither copy has a valid header");
            }
            if (mustExist && chosen.isEmpty()) {
                throw refuse("holds no record, but this key has signed before (its signed marker exists); the journal "
                        + "was emptied or replaced");
            }
            generation = Math.max(p.usable() ? p.generation() : 0, m.usable() ? m.generation() : 0);
            List<JournalEntry> entries = new ArrayList<>(chosen.size());
            for (byte[] r : chosen) {
                entries.add(decode(r));
            }
            if (!repaired.isEmpty()) {
                long stamp = System.currentTimeMillis();
                for (Path x : List.of(file, mirror)) {
                    if (Files.exists(x)) {
                        Files.copy(x, x.resolveSibling(x.getFileName() + ".damaged-" + stamp));
                    }
                }
                generation++;
                writeAtomically(file, entries, true);
                writeAtomically(mirror, entries, true);
            } else if (dropped > 0) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(HEADER_LENGTH + (long) chosen.size() * RECORD_LENGTH);
                    ch.force(true);
                }
            }
            openChannels();
            return new Contents(this, entries, dropped, false, repaired);
        } catch (IOException e) {
            throw new ReplayGuardException("replay journal " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * A journal of the previous, single-copy format ({@code M0RGJNL1}, same records, no mirror) is converted when it
     * ends on a whole, valid record; one with a damaged tail cannot be proven complete and is left for the runbook.
     */
    private void upgradeV1() throws IOException {
        if (!Files.exists(file) || Files.exists(mirror)) {
            return;
        }
        byte[] all = Files.readAllBytes(file);
        if (all.length < V1_MAGIC.length || !Arrays.equals(Arrays.copyOf(all, V1_MAGIC.length), V1_MAGIC)) {
            return;
        }
        List<JournalEntry> entries = new ArrayList<>();
        int pos = V1_MAGIC.length;
        while (pos + RECORD_LENGTH <= all.length) {
            JournalEntry e = decode(Arrays.copyOfRange(all, pos, pos + RECORD_LENGTH));
            if (e == null || e.floor()) {
                break;
            }
            entries.add(e);
            pos += RECORD_LENGTH;
        }
        if (pos != all.length) {
            throw refuse("is a single-copy " + new String(V1_MAGIC, StandardCharsets.US_ASCII) + " journal whose record "
                    + "at byte " + pos + " is damaged; the old format cannot prove it was never acknowledged");
        }
        Files.copy(file, file.resolveSibling(file.getFileName() + ".v1-" + System.currentTimeMillis()));
        generation = 1;
        writeAtomically(file, entries, true);
        writeAtomically(mirror, entries, true);
    }

    private void openChannels() throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        mirrorChannel = FileChannel.open(mirror, StandardOpenOption.READ, StandardOpenOption.WRITE);
        end = channel.size();
        mirrorEnd = mirrorChannel.size();
    }

    private static Parsed parse(Path path) throws IOException {
        if (!Files.exists(path)) {
            return new Parsed(false, false, UNBOUND, 0, List.of(), 0, -1, 0);
        }
        byte[] all = Files.readAllBytes(path);
        if (all.length < HEADER_LENGTH) {
            return new Parsed(true, false, UNBOUND, 0, List.of(), 0, -1, all.length);
        }
        ByteBuffer h = ByteBuffer.wrap(all, 0, HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(all, 0, HEADER_LENGTH - 4);
        if (!Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC) || h.getInt(HEADER_LENGTH - 4) != (int) crc.getValue()) {
            return new Parsed(true, false, UNBOUND, 0, List.of(), 0, -1, all.length);
        }
        byte[] key = Arrays.copyOfRange(all, MAGIC.length, MAGIC.length + KEY_LENGTH);
        long gen = h.getLong(MAGIC.length + KEY_LENGTH);
        List<byte[]> records = new ArrayList<>();
        int pos = HEADER_LENGTH;
        while (pos + RECORD_LENGTH <= all.length) {
            byte[] r = Arrays.copyOfRange(all, pos, pos + RECORD_LENGTH);
            if (decode(r) == null) {
                if (pos + RECORD_LENGTH < all.length) {
                    return new Parsed(true, true, key, gen, records, 0, pos, all.length);
                }
                break;
            }
            records.add(r);
            pos += RECORD_LENGTH;
        }
        return new Parsed(true, true, key, gen, records, all.length - pos, -1, all.length);
    }

    /** Appends one record to the primary, forces it, then to the mirror, forces it; returns once both are durable. */
    void append(JournalEntry entry) throws IOException {
        byte[] record = encode(entry);
        end = writeAt(channel, record, end);
        mirrorEnd = writeAt(mirrorChannel, record, mirrorEnd);
    }

    private static long writeAt(FileChannel ch, byte[] bytes, long at) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long pos = at;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
        ch.force(true);
        return pos;
    }

    /** Replaces the journal with exactly {@code entries} (compaction), atomically per copy, primary first. */
    void rewrite(List<JournalEntry> entries) throws IOException {
        channel.close();
        mirrorChannel.close();
        generation++;
        writeAtomically(file, entries, true);
        writeAtomically(mirror, entries, true);
        openChannels();
    }

    private void writeAtomically(Path target, List<JournalEntry> entries, boolean replace) throws IOException {
        Path tmp = dir.resolve(COMPACT_NAME);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + entries.size() * RECORD_LENGTH);
            b.put(header());
            for (JournalEntry e : entries) {
                b.put(encode(e));
            }
            b.flip();
            while (b.hasRemaining()) {
                out.write(b);
            }
            out.force(true);
        }
        if (replace) {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private byte[] header() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put(publicKey).putLong(generation);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, HEADER_LENGTH - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    Path file() {
        return file;
    }

    Path mirror() {
        return mirror;
    }

    static byte[] encode(JournalEntry e) {
        ByteBuffer b = ByteBuffer.allocate(RECORD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put(e.floor() ? TYPE_FLOOR : TYPE_SIGNED).putInt((int) e.signerSetId()).putLong(e.sequence());
        b.put(e.bundleHash().toByteArray());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, CRC_OFFSET);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** The record's entry, or null when its CRC or type is wrong. */
    static JournalEntry decode(byte[] record) {
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(record, 0, CRC_OFFSET);
        if (b.getInt(CRC_OFFSET) != (int) crc.getValue() || (record[0] != TYPE_SIGNED && record[0] != TYPE_FLOOR)) {
            return null;
        }
        long set = Integer.toUnsignedLong(b.getInt(1));
        long seq = b.getLong(5);
        if (seq < (record[0] == TYPE_FLOOR ? 0 : 1)) {
            return null;
        }
        Hash32 hash = Hash32.of(Arrays.copyOfRange(record, 13, 13 + Hash32.LENGTH));
        return record[0] == TYPE_FLOOR ? JournalEntry.floor(set, seq) : new JournalEntry(set, seq, hash);
    }

    @Override
    public void close() {
        if (channel != null) {
            closeQuietly(channel);
        }
        if (mirrorChannel != null) {
            closeQuietly(mirrorChannel);
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
