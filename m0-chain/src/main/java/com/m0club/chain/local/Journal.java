package com.m0club.chain.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local ledger's append-only journal: one framed, checksummed record per accepted state-changing call, forced to
 * disk before the call returns.
 *
 * <pre>
 *   file   = header frame*
 *   header = "M0LEDGER" u32 version i64 genesis_ms u32 crc32c(previous 20 bytes)        (24 bytes)
 *   frame  = u32 payload_length u32 crc32c(payload) u32 crc32c(first 8 bytes) payload   (big-endian)
 * </pre>
 *
 * <p>The frame header carries its own checksum so that a damaged length is never mistaken for a frame cut short
 * (which would truncate good records after it).
 *
 * <p><b>Acknowledgement marker (fail closed).</b> An append is acknowledged only after two forced writes: (1) the
 * frame is appended to the journal and forced; (2) a copy of that frame, with its offset and ordinal, is written
 * over {@code <journal>.ack} ({@link AckMarker}) and forced. A frame is acknowledged only if the marker names it or a
 * later frame. On open, the journal's end is compared with the marker:
 * <ul>
 *   <li>a damaged or cut tail at offset T and a valid marker naming the frame that <em>ends</em> at T: a crash hit
 *       step (1) of the next append, the tail was never acknowledged; it is truncated (warning, metric);</li>
 *   <li>a damaged or cut tail (or a journal ending exactly) at offset T and a marker naming the frame <em>at</em> T:
 *       that acknowledged frame is restored from the marker's copy (warning, metric); nothing is lost;</li>
 *   <li>anything else (the marker names a frame beyond T, the marker is missing or damaged while the tail is
 *       damaged, or the marker's copy differs from the journal's frame): the open is refused with
 *       {@link JournalCorruptedException} naming the file, the offset and the runbook. Only
 *       {@link #recoverTruncateAt} (the operator's {@code m0 ledger recover --truncate-at OFFSET}) goes past it.</li>
 * </ul>
 * Damage in the middle of the journal always refuses the open.
 */
final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    static final byte[] MAGIC = "M0LEDGER".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 8 + 4 + 8 + 4;
    static final int FRAME_HEADER_LENGTH = 12;
    /** Far above any record the ledger writes (a reveal is bounded by the bundle size limit). */
    static final int MAX_PAYLOAD = 256 << 20;

    /** Receives each intact record during the open scan. */
    @FunctionalInterface
    interface FrameVisitor {
        void visit(long ordinal, long frameOffset, byte[] payload);
    }

    private final Path file;
    private final FileChannel channel;
    private final long genesisMs;
    private long size;
    private long records;
    private final long truncatedBytes;
    private final long restoredFrames;
    private final AckMarker ack;

    private Journal(Path file, FileChannel channel, AckMarker ack, long genesisMs, long size, long records,
            long truncatedBytes, long restoredFrames) {
        this.file = file;
        this.channel = channel;
        this.ack = ack;
        this.restoredFrames = restoredFrames;
        this.genesisMs = genesisMs;
        this.size = size;
        this.records = records;
        this.truncatedBytes = truncatedBytes;
    }

    /**
     * Opens the journal at {@code file}, creating it (atomically, with {@code genesisIfNew}) when absent, and passes
     * every intact record to {@code visitor} in order. A torn tail is truncated before this returns.
     */
    static Journal open(Path file, long genesisIfNew, FrameVisitor visitor) throws IOException {
        Path ackFile = AckMarker.fileFor(file);
        if (!Files.exists(file)) {
            if (Files.exists(ackFile)) {
                Optional<AckMarker.Entry> entry = AckMarker.read(ackFile);
                throw refuse(file, 0, "the journal is missing but its"
                        + " acknowledgement marker " + ackFile + " says "
                        + entry.map(e -> "record #" + e.ordinal() + " at offset " + e.offset()).orElse("records")
                        + " were acknowledged; refusing to start an empty ledger (records would be lost silently)");
            }
            create(file, genesisIfNew);
        }
        Optional<AckMarker.Entry> acked = Files.exists(ackFile) ? AckMarker.read(ackFile) : Optional.empty();
        boolean ackPresent = Files.exists(ackFile);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long genesis = readHeader(file, channel);
            long fileSize = channel.size();
            long pos = HEADER_LENGTH;
            long ordinal = 0;
            long truncated = 0;
            long restored = 0;
            long lastFrameOffset = -1;
            long lastFrameOrdinal = 0;
            ByteBuffer frameHeader = ByteBuffer.allocate(FRAME_HEADER_LENGTH);
            while (pos < fileSize) {
                String torn = null;
                byte[] payload = null;
                long remaining = fileSize - pos;
                if (remaining < FRAME_HEADER_LENGTH) {
                    torn = "a frame header cut short (" + remaining + " of " + FRAME_HEADER_LENGTH + " bytes)";
                } else {
                    frameHeader.clear();
                    readFully(channel, frameHeader, pos);
                    int length = frameHeader.getInt(0);
                    int crc = frameHeader.getInt(4);
                    long end = pos + FRAME_HEADER_LENGTH + (long) length;
                    if (crc32c(frameHeader.array(), 0, 8) != frameHeader.getInt(8)
                            || length <= 0 || length > MAX_PAYLOAD) {
                        if (isZeroTail(channel, pos, fileSize)) {
                            torn = "a zero-filled tail of " + remaining + " bytes";
                        } else if (acked.isPresent() && acked.get().offset() == pos
                                && acked.get().ordinal() == ordinal + 1
                                && pos + FRAME_HEADER_LENGTH + acked.get().payload().length >= fileSize) {
                            torn = "a last frame whose header is damaged";
                        } else {
                            throw refuse(file, pos,
                                    "the header of frame #" + (ordinal + 1) + " is damaged (checksum fails or length "
                                            + length + " is outside 1.." + MAX_PAYLOAD + ")");
                        }
                    } else if (end > fileSize) {
                        torn = "a frame of " + length + " bytes cut short at " + (fileSize - pos - FRAME_HEADER_LENGTH)
                                + " bytes";
                    } else {
                        ByteBuffer body = ByteBuffer.allocate(length);
                        readFully(channel, body, pos + FRAME_HEADER_LENGTH);
                        payload = body.array();
                        if (crc32c(payload) != crc) {
                            if (end == fileSize) {
                                torn = "a last frame whose checksum fails";
                                payload = null;
                            } else {
                                throw refuse(file, pos,
                                        "the checksum of frame #" + (ordinal + 1) + " (" + length
                                                + " bytes) fails and more frames follow it");
                            }
                        }
                    }
                }
                if (torn != null) {
                    if (acked.isPresent() && acked.get().offset() == pos && acked.get().ordinal() == ordinal + 1) {
                        payload = restore(file, channel, pos, acked.get(), torn);
                        fileSize = channel.size();
                        restored++;
                    } else if ((acked.isPresent() && acked.get().offset() == lastFrameOffset
                            && acked.get().ordinal() == ordinal) || (!ackPresent && ordinal == 0)) {
                        truncated = fileSize - pos;
                        LOG.warn("ledger journal {}: truncating {} bytes at offset {}: {} (the acknowledgement marker"
                                + " names record #{} before it: this write was never acknowledged)", file, truncated,
                                pos, torn, ordinal);
                        channel.truncate(pos);
                        channel.force(true);
                        fileSize = pos;
                        break;
                    } else {
                        throw refuse(file, pos, torn + "; the acknowledgement marker "
                                + describe(ackPresent, acked) + ", so it cannot be proven unacknowledged");
                    }
                }
                ordinal++;
                verifyAgainstAck(file, acked, ordinal, pos, payload);
                visitor.visit(ordinal, pos, payload);
                lastFrameOffset = pos;
                lastFrameOrdinal = ordinal;
                pos += FRAME_HEADER_LENGTH + payload.length;
            }
            if (pos == fileSize && acked.isPresent() && acked.get().offset() == pos
                    && acked.get().ordinal() == ordinal + 1) {
                // the journal ends exactly where an acknowledged frame begins: it was cut at a frame boundary
                byte[] back = restore(file, channel, pos, acked.get(), "the journal ends before it");
                fileSize = channel.size();
                restored++;
                ordinal++;
                visitor.visit(ordinal, pos, back);
                lastFrameOffset = pos;
                lastFrameOrdinal = ordinal;
                pos += FRAME_HEADER_LENGTH + back.length;
            }
            if (acked.isPresent() && acked.get().ordinal() > lastFrameOrdinal) {
                throw refuse(file, pos, "the journal ends after record #" + lastFrameOrdinal + " but the"
                        + " acknowledgement marker says record #" + acked.get().ordinal() + " at offset "
                        + acked.get().offset() + " was acknowledged: acknowledged records are missing");
            }
            if (ackPresent && acked.isEmpty() && lastFrameOrdinal > 0) {
                LOG.warn("ledger journal {}: the acknowledgement marker is damaged but the journal is intact (a crash"
                        + " while writing the marker); rewriting it for record #{}", file, lastFrameOrdinal);
            }
            AckMarker marker = new AckMarker(ackFile);
            if (lastFrameOrdinal > 0 && (acked.isEmpty() || acked.get().ordinal() != lastFrameOrdinal)) {
                marker.write(new AckMarker.Entry(lastFrameOffset, lastFrameOrdinal,
                        readFrame(channel, lastFrameOffset)));
            }
            return new Journal(file, channel, marker, genesis, fileSize, ordinal, truncated, restored);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static String describe(boolean present, Optional<AckMarker.Entry> acked) {
        if (!present) {
            return "is missing";
        }
        return acked.map(e -> "names record #" + e.ordinal() + " at offset " + e.offset()).orElse("is damaged");
    }

    static JournalCorruptedException refuse(Path file, long offset, String problem) {
        return new JournalCorruptedException(file.toString(), offset, problem
                + ". The ledger refuses to open. See docs/operations.md, \"" + JournalCorruptedException.RUNBOOK
                + "\" (m0 ledger recover --truncate-at " + offset + " drops everything from this offset)");
    }

    /** A frame the journal has must be the marker's copy when the marker names it. */
    private static void verifyAgainstAck(Path file, Optional<AckMarker.Entry> acked, long ordinal, long pos,
            byte[] payload) {
        if (acked.isPresent() && acked.get().ordinal() == ordinal) {
            AckMarker.Entry e = acked.get();
            if (e.offset() != pos || !java.util.Arrays.equals(e.payload(), payload)) {
                throw refuse(file, pos, "record #" + ordinal + " differs from the copy in the acknowledgement"
                        + " marker (marker offset " + e.offset() + ")");
            }
        }
    }

    /** Rewrites the acknowledged frame {@code entry} at {@code pos} from the marker's copy; returns its payload. */
    private static byte[] restore(Path file, FileChannel channel, long pos, AckMarker.Entry entry, String damage)
            throws IOException {
        LOG.warn("ledger journal {}: {} at offset {}, but record #{} there was acknowledged; restoring it from the"
                + " acknowledgement marker's copy ({} bytes), nothing is lost", file, damage, pos, entry.ordinal(),
                entry.payload().length);
        channel.truncate(pos);
        ByteBuffer frame = frame(entry.payload());
        long p = pos;
        while (frame.hasRemaining()) {
            p += channel.write(frame, p);
        }
        channel.force(true);
        return entry.payload();
    }

    private static byte[] readFrame(FileChannel channel, long offset) throws IOException {
        ByteBuffer frameHeader = ByteBuffer.allocate(FRAME_HEADER_LENGTH);
        readFully(channel, frameHeader, offset);
        ByteBuffer body = ByteBuffer.allocate(frameHeader.getInt(0));
        readFully(channel, body, offset + FRAME_HEADER_LENGTH);
        return body.array();
    }

    static ByteBuffer frame(byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_LENGTH + payload.length);
        frame.putInt(payload.length).putInt(crc32c(payload));
        frame.putInt(crc32c(frame.array(), 0, 8)).put(payload).flip();
        return frame;
    }

    /**
     * The operator's explicit recovery: cuts the journal at {@code offset} (a frame boundary the refusal named) and
     * rewrites the acknowledgement marker for the last record kept. Everything from the offset on is dropped, which
     * may include acknowledged records: the reconciler reports them as mismatches after the restart. The ledger must
     * not be open. Returns the number of bytes dropped.
     */
    static long recoverTruncateAt(Path file, long offset) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("ledger journal " + file + " does not exist");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            readHeader(file, channel);
            long size = channel.size();
            if (offset < HEADER_LENGTH || offset > size) {
                throw new IOException("--truncate-at " + offset + " is outside " + HEADER_LENGTH + ".." + size
                        + " for " + file);
            }
            long pos = HEADER_LENGTH;
            long ordinal = 0;
            long last = -1;
            while (pos < offset) {
                if (pos + FRAME_HEADER_LENGTH > size) {
                    throw new IOException("--truncate-at " + offset + " is not a frame boundary of " + file
                            + " (the last frame boundary before it is " + pos + ")");
                }
                ByteBuffer h = ByteBuffer.allocate(FRAME_HEADER_LENGTH);
                readFully(channel, h, pos);
                int length = h.getInt(0);
                if (crc32c(h.array(), 0, 8) != h.getInt(8) || length <= 0 || length > MAX_PAYLOAD) {
                    throw new IOException("--truncate-at " + offset + ": the frame at " + pos
                            + " before it is damaged; choose a smaller offset");
                }
                last = pos;
                ordinal++;
                pos += FRAME_HEADER_LENGTH + (long) length;
            }
            if (pos != offset) {
                throw new IOException("--truncate-at " + offset + " is not a frame boundary of " + file
                        + " (frames end at " + (last < 0 ? HEADER_LENGTH : pos) + ")");
            }
            channel.truncate(offset);
            channel.force(true);
            AckMarker marker = new AckMarker(AckMarker.fileFor(file));
            if (last < 0) {
                Files.deleteIfExists(marker.file());
            } else {
                marker.write(new AckMarker.Entry(last, ordinal, readFrame(channel, last)));
            }
            LOG.warn("ledger journal {}: operator recovery cut {} bytes at offset {} (kept {} records)", file,
                    size - offset, offset, ordinal);
            return size - offset;
        }
    }

    private static void create(Path file, long genesisMs) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        header.put(MAGIC).putInt(VERSION).putLong(genesisMs);
        header.putInt(crc32c(header.array(), 0, HEADER_LENGTH - 4));
        header.flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (header.hasRemaining()) {
                ch.write(header);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        }
        forceDirectory(file.toAbsolutePath().getParent());
    }

    private static long readHeader(Path file, FileChannel channel) throws IOException {
        if (channel.size() < HEADER_LENGTH) {
            throw refuse(file, 0,
                    "the file is " + channel.size() + " bytes, shorter than the " + HEADER_LENGTH + "-byte header");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        readFully(channel, header, 0);
        byte[] b = header.array();
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                throw new JournalCorruptedException(file.toString(), 0, "not an M0 ledger journal (bad magic)");
            }
        }
        if (crc32c(b, 0, HEADER_LENGTH - 4) != header.getInt(HEADER_LENGTH - 4)) {
            throw new JournalCorruptedException(file.toString(), 0, "the header checksum fails");
        }
        int version = header.getInt(8);
        if (version != VERSION) {
            throw new JournalCorruptedException(file.toString(), 8,
                    "journal version " + version + ", this build reads version " + VERSION);
        }
        return header.getLong(12);
    }

    private static boolean isZeroTail(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long pos = from;
        while (pos < to) {
            buf.clear();
            if (to - pos < buf.capacity()) {
                buf.limit((int) (to - pos));
            }
            int n = channel.read(buf, pos);
            if (n <= 0) {
                return true;
            }
            for (int i = 0; i < n; i++) {
                if (buf.get(i) != 0) {
                    return false;
                }
            }
            pos += n;
        }
        return true;
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of journal at " + pos);
            }
            pos += n;
        }
    }

    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {} on this platform: {}", dir, e.toString());
        }
    }

    static int crc32c(byte[] b) {
        return crc32c(b, 0, b.length);
    }

    static int crc32c(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        return (int) crc.getValue();
    }

    long genesisMs() {
        return genesisMs;
    }

    /** Records in the journal; the next append gets ordinal {@code records() + 1}. */
    long records() {
        return records;
    }

    /** Bytes cut from a torn tail when the journal was opened (0 when it was intact). */
    long truncatedBytes() {
        return truncatedBytes;
    }

    Path file() {
        return file;
    }

    /** Acknowledged frames restored from the marker's copy when the journal was opened. */
    long restoredFrames() {
        return restoredFrames;
    }

    /**
     * Appends one record and forces it to disk. Returns the frame's offset. Callers serialize appends (the ledger's
     * write lock); after an exception the journal's tail is unknown and the caller must stop writing.
     */
    long append(byte[] payload) throws IOException {
        if (payload.length == 0 || payload.length > MAX_PAYLOAD) {
            throw new IOException("a journal record must be 1.." + MAX_PAYLOAD + " bytes, got " + payload.length);
        }
        ByteBuffer frame = frame(payload);
        long offset = size;
        long pos = offset;
        while (frame.hasRemaining()) {
            pos += channel.write(frame, pos);
        }
        channel.force(false);
        ack.write(new AckMarker.Entry(offset, records + 1, payload));
        size = pos;
        records++;
        return offset;
    }

    /** Reads the payload of the frame at {@code frameOffset} of the sealed segment {@code file}. */
    static byte[] readPayload(Path file, long frameOffset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer frameHeader = ByteBuffer.allocate(FRAME_HEADER_LENGTH);
            readFully(ch, frameHeader, frameOffset);
            int length = frameHeader.getInt(0);
            if (length <= 0 || length > MAX_PAYLOAD) {
                throw new JournalCorruptedException(file.toString(), frameOffset, "frame length " + length);
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            readFully(ch, body, frameOffset + FRAME_HEADER_LENGTH);
            if (crc32c(body.array()) != frameHeader.getInt(4)) {
                throw new JournalCorruptedException(file.toString(), frameOffset, "the checksum fails on read-back");
            }
            return body.array();
        }
    }

    /** Reads back the payload of the frame at {@code frameOffset} (thread-safe: positional reads). */
    byte[] readPayload(long frameOffset) throws IOException {
        ByteBuffer frameHeader = ByteBuffer.allocate(FRAME_HEADER_LENGTH);
        readFully(channel, frameHeader, frameOffset);
        int length = frameHeader.getInt(0);
        if (length <= 0 || length > MAX_PAYLOAD) {
            throw new JournalCorruptedException(file.toString(), frameOffset, "frame length " + length);
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body, frameOffset + FRAME_HEADER_LENGTH);
        if (crc32c(body.array()) != frameHeader.getInt(4)) {
            throw new JournalCorruptedException(file.toString(), frameOffset, "the checksum fails on read-back");
        }
        return body.array();
    }

    @Override
    public void close() throws IOException {
        ack.close();
        channel.close();
    }
}
