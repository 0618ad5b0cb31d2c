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
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The replay guard's file: an append-only journal of fixed-size records, each fsynced before the guard answers.
 *
 * <pre>
 *   header  8 bytes  ASCII "M0RGJNL1"
 *   record 49 bytes  little-endian
 *     u8   type            1 = SIGNED
 *     u32  signer_set_id
 *     u64  sequence
 *     [32] bundle_hash
 *     u32  crc32c of the 45 bytes above
 * </pre>
 *
 * <p><b>Recovery.</b> Records are appended one at a time and each is forced to disk before the next is written, so a
 * crash can damage only the last record. On open, a short or CRC-failing <em>last</em> record is a torn tail: it is
 * truncated (its signature never left the agent, because the answer waits for the fsync). A bad record followed by
 * more records cannot come from a crash, so it is reported as corruption and the journal is not opened: the agent
 * would otherwise forget what it signed.
 *
 * <p><b>Compaction.</b> {@link #rewrite} writes the given records to a temporary file, forces it, and renames it over
 * the journal (then forces the directory), so the journal is always either the old or the new file.
 *
 * <p><b>Exclusivity.</b> An OS file lock on a sibling lock file keeps two agents (processes, or instances in one JVM)
 * from sharing a state directory.
 */
final class ReplayJournal implements AutoCloseable {
    static final String FILE_NAME = "replay-guard.journal";
    static final String LOCK_NAME = "replay-guard.lock";
    static final String COMPACT_NAME = "replay-guard.journal.compact";

    static final byte[] MAGIC = "M0RGJNL1".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_LENGTH = MAGIC.length;
    static final int RECORD_LENGTH = 1 + 4 + 8 + Hash32.LENGTH + 4;
    private static final byte TYPE_SIGNED = 1;
    private static final int CRC_OFFSET = RECORD_LENGTH - 4;

    private final Path dir;
    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel channel;
    private long end;

    /** What {@link #open} found on disk. */
    record Contents(ReplayJournal journal, List<JournalEntry> entries, long bytesTruncated) {}

    private ReplayJournal(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Locks {@code dir}, creates the journal if there is none, reads every record and truncates a torn tail. */
    static Contents open(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ReplayGuardException("replay guard state dir " + dir + " cannot be created: " + e.getMessage(),
                    e);
        }
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
        ReplayJournal journal = new ReplayJournal(dir, lockChannel, lock);
        try {
            return journal.load();
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    private Contents load() {
        try {
            Files.deleteIfExists(dir.resolve(COMPACT_NAME)); // an unfinished compaction: the journal is intact
            if (!Files.exists(file)) {
                writeAtomically(List.of());
            }
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = channel.size();
            byte[] header = new byte[HEADER_LENGTH];
            if (size < HEADER_LENGTH || readFully(0, ByteBuffer.wrap(header)) < HEADER_LENGTH
                    || !Arrays.equals(header, MAGIC)) {
                throw new ReplayGuardException("replay journal " + file + " does not start with the header "
                        + new String(MAGIC, StandardCharsets.US_ASCII) + "; it is not a replay journal or it is "
                        + "corrupt. Refusing to start: the agent cannot prove what it has signed");
            }
            List<JournalEntry> entries = new ArrayList<>();
            long pos = HEADER_LENGTH;
            ByteBuffer chunk = ByteBuffer.allocate(RECORD_LENGTH * 1024).order(ByteOrder.LITTLE_ENDIAN);
            byte[] record = new byte[RECORD_LENGTH];
            long bad = -1;
            while (pos + RECORD_LENGTH <= size && bad < 0) {
                chunk.clear();
                long want = Math.min(chunk.capacity(), ((size - pos) / RECORD_LENGTH) * RECORD_LENGTH);
                chunk.limit((int) want);
                readFully(pos, chunk);
                chunk.flip();
                while (chunk.remaining() >= RECORD_LENGTH) {
                    chunk.get(record);
                    JournalEntry e = decode(record);
                    if (e == null) {
                        bad = pos;
                        break;
                    }
                    entries.add(e);
                    pos += RECORD_LENGTH;
                }
            }
            if (bad >= 0 && bad + RECORD_LENGTH < size) {
                throw new ReplayGuardException("replay journal " + file + " is corrupt: the record at byte " + bad
                        + " fails its CRC but more records follow it, which a crash cannot cause. Refusing to start: "
                        + "the agent cannot prove what it has signed");
            }
            long truncated = size - pos;
            if (truncated > 0) {
                channel.truncate(pos);
                channel.force(true);
            }
            end = pos;
            return new Contents(this, entries, truncated);
        } catch (IOException e) {
            throw new ReplayGuardException("replay journal " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads from {@code at} until {@code dst} is full or the file ends; returns the bytes read. */
    private int readFully(long at, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (channel.read(dst, at + dst.position()) < 0) {
                break;
            }
        }
        return dst.position();
    }

    /** Appends one record and forces it to disk; returns only once the record is durable. */
    void append(JournalEntry entry) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(encode(entry));
        long at = end;
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
        channel.force(true);
        end = at;
    }

    /** Replaces the journal with exactly {@code entries} (compaction), atomically. */
    void rewrite(List<JournalEntry> entries) throws IOException {
        channel.close();
        writeAtomically(entries);
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        end = channel.size();
    }

    private void writeAtomically(List<JournalEntry> entries) throws IOException {
        Path tmp = dir.resolve(COMPACT_NAME);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + entries.size() * RECORD_LENGTH);
            b.put(MAGIC);
            for (JournalEntry e : entries) {
                b.put(encode(e));
            }
            b.flip();
            while (b.hasRemaining()) {
                out.write(b);
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    Path file() {
        return file;
    }

    static byte[] encode(JournalEntry e) {
        ByteBuffer b = ByteBuffer.allocate(RECORD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.put(TYPE_SIGNED).putInt((int) e.signerSetId()).putLong(e.sequence());
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
        if (b.getInt(CRC_OFFSET) != (int) crc.getValue() || record[0] != TYPE_SIGNED) {
            return null;
        }
        long set = Integer.toUnsignedLong(b.getInt(1));
        long seq = b.getLong(5);
        if (seq < 1) {
            return null;
        }
        return new JournalEntry(set, seq, Hash32.of(Arrays.copyOfRange(record, 13, 13 + Hash32.LENGTH)));
    }

    @Override
    public void close() {
        if (channel != null) {
            closeQuietly(channel);
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
