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
 * (which would truncate good records after it). Recovery on open: a frame that is cut short (its header or payload
 * runs past the end of the file with an intact header), a last frame whose payload checksum fails, or a tail of zero
 * bytes is what a crash mid-write leaves; it is truncated with a warning. Any other bad frame is corruption and
 * stops the open with the offset of the bad frame.
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

    private Journal(Path file, FileChannel channel, long genesisMs, long size, long records, long truncatedBytes) {
        this.file = file;
        this.channel = channel;
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
        if (!Files.exists(file)) {
            create(file, genesisIfNew);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long genesis = readHeader(file, channel);
            long fileSize = channel.size();
            long pos = HEADER_LENGTH;
            long ordinal = 0;
            long truncated = 0;
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
                        } else {
                            throw new JournalCorruptedException(file.toString(), pos,
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
                                throw new JournalCorruptedException(file.toString(), pos,
                                        "the checksum of frame #" + (ordinal + 1) + " (" + length
                                                + " bytes) fails and more frames follow it");
                            }
                        }
                    }
                }
                if (torn != null) {
                    truncated = fileSize - pos;
                    LOG.warn("ledger journal {}: truncating {} bytes at offset {}: {} (a write interrupted by a crash;"
                            + " the call that wrote it never returned)", file, truncated, pos, torn);
                    channel.truncate(pos);
                    channel.force(true);
                    fileSize = pos;
                    break;
                }
                ordinal++;
                visitor.visit(ordinal, pos, payload);
                pos += FRAME_HEADER_LENGTH + payload.length;
            }
            return new Journal(file, channel, genesis, fileSize, ordinal, truncated);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
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
            throw new JournalCorruptedException(file.toString(), 0,
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

    private static void forceDirectory(Path dir) {
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

    /**
     * Appends one record and forces it to disk. Returns the frame's offset. Callers serialize appends (the ledger's
     * write lock); after an exception the journal's tail is unknown and the caller must stop writing.
     */
    long append(byte[] payload) throws IOException {
        if (payload.length == 0 || payload.length > MAX_PAYLOAD) {
            throw new IOException("a journal record must be 1.." + MAX_PAYLOAD + " bytes, got " + payload.length);
        }
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_LENGTH + payload.length);
        frame.putInt(payload.length).putInt(crc32c(payload));
        frame.putInt(crc32c(frame.array(), 0, 8)).put(payload).flip();
        long offset = size;
        long pos = offset;
        while (frame.hasRemaining()) {
            pos += channel.write(frame, pos);
        }
        channel.force(false);
        size = pos;
        records++;
        return offset;
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
        channel.close();
    }
}
