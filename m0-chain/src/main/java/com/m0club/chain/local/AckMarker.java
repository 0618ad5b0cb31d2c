package com.m0club.chain.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The journal's acknowledgement marker, {@code <journal>.ack}: a copy of the last acknowledged frame's payload with
 * its offset and ordinal, overwritten and forced after the frame itself is forced and before the append returns.
 * A marker damaged by a crash mid-overwrite reads as empty (its checksum fails); the frame it was about to name is
 * then still intact in the journal (it was forced first).
 *
 * <pre>
 *   marker = "M0LACK01" i64 offset i64 ordinal u32 length payload u32 crc32c(everything before)   (big-endian)
 * </pre>
 */
final class AckMarker implements AutoCloseable {
    static final byte[] MAGIC = "M0LACK01".getBytes(StandardCharsets.US_ASCII);
    private static final int FIXED = 8 + 8 + 8 + 4 + 4;

    /** What the marker says: the frame at {@code offset} is record {@code ordinal} and carries {@code payload}. */
    record Entry(long offset, long ordinal, byte[] payload) {}

    private final Path file;
    private FileChannel channel;

    AckMarker(Path file) {
        this.file = file;
    }

    static Path fileFor(Path journal) {
        return journal.resolveSibling(journal.getFileName() + ".ack");
    }

    Path file() {
        return file;
    }

    /** The marker's entry, or empty when the file is absent, short or fails its checksum. */
    static Optional<Entry> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] b = Files.readAllBytes(file);
        if (b.length < FIXED) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                return Optional.empty();
            }
        }
        long offset = buf.getLong(8);
        long ordinal = buf.getLong(16);
        int length = buf.getInt(24);
        if (length <= 0 || length > Journal.MAX_PAYLOAD || 28L + length + 4 > b.length) {
            return Optional.empty();
        }
        if (Journal.crc32c(b, 0, 28 + length) != buf.getInt(28 + length)) {
            return Optional.empty();
        }
        byte[] payload = new byte[length];
        System.arraycopy(b, 28, payload, 0, length);
        return Optional.of(new Entry(offset, ordinal, payload));
    }

    /** Overwrites the marker with {@code entry} and forces it to disk. */
    void write(Entry entry) throws IOException {
        if (channel == null) {
            boolean created = !Files.exists(file);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (created) {
                Journal.forceDirectory(file.toAbsolutePath().getParent());
            }
        }
        ByteBuffer buf = ByteBuffer.allocate(FIXED + entry.payload().length);
        buf.put(MAGIC).putLong(entry.offset()).putLong(entry.ordinal()).putInt(entry.payload().length)
                .put(entry.payload());
        buf.putInt(Journal.crc32c(buf.array(), 0, buf.position()));
        buf.flip();
        long pos = 0;
        while (buf.hasRemaining()) {
            pos += channel.write(buf, pos);
        }
        if (channel.size() > pos) {
            channel.truncate(pos);
        }
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
