package com.m0club.chain.local;

import com.m0club.protocol.hash.Hash32;
import com.m0club.protocol.id.MarketId;
import com.m0club.protocol.id.OutcomeId;
import com.m0club.protocol.registry.Domain;
import com.m0club.protocol.registry.LedgerTiming;
import com.m0club.protocol.registry.Market;
import com.m0club.protocol.registry.MarketStatus;
import com.m0club.protocol.registry.Tier;
import com.m0club.protocol.sign.SignerKey;
import com.m0club.protocol.sign.SignerSet;
import com.m0club.protocol.sign.SignerSetStatus;
import com.m0club.protocol.time.EpochSchedule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of one journal frame: {@code u8 type, i64 time_ms, i64 slot, body}, big-endian. Enums are written by
 * name so that reordering an enum never reinterprets an old journal. This is the journal's private format, not a
 * protocol encoding: the bundle inside a reveal record is kept as its canonical signed bytes, untouched.
 */
final class JournalCodec {
    private JournalCodec() {}

    static byte[] encode(JournalRecord.Stamped stamped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            JournalRecord r = stamped.record();
            out.writeByte(r.type());
            out.writeLong(stamped.time().timeMs());
            out.writeLong(stamped.time().slot());
            switch (r) {
                case JournalRecord.RegisterSignerSet s -> writeSignerSet(out, s.set());
                case JournalRecord.ActivateSignerSet a -> out.writeLong(a.signerSetId());
                case JournalRecord.RegisterMarket m -> writeMarket(out, m.market());
                case JournalRecord.SetMarketStatus s -> {
                    writeString(out, s.market().value());
                    writeString(out, s.status().name());
                }
                case JournalRecord.Commit c -> {
                    out.write(c.commitHash().toByteArray());
                    out.writeLong(c.signerSetId());
                    out.writeLong(c.sequence());
                }
                case JournalRecord.Reveal v -> {
                    writeBytes(out, v.salt());
                    writeBytes(out, v.signedBundleBytes());
                }
                case JournalRecord.Finalize f -> {
                    writeString(out, f.market().value());
                    out.writeLong(f.epochId());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** Decodes a payload; a payload that does not parse exactly is an {@link IOException} naming what is wrong. */
    static JournalRecord.Stamped decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        try {
            int type = in.readUnsignedByte();
            LedgerTime time = new LedgerTime(in.readLong(), in.readLong());
            JournalRecord record = switch (type) {
                case 1 -> new JournalRecord.RegisterSignerSet(readSignerSet(in));
                case 2 -> new JournalRecord.ActivateSignerSet(in.readLong());
                case 3 -> new JournalRecord.RegisterMarket(readMarket(in));
                case 4 -> new JournalRecord.SetMarketStatus(MarketId.of(readString(in)),
                        MarketStatus.valueOf(readString(in)));
                case 5 -> new JournalRecord.Commit(Hash32.of(in.readNBytes(Hash32.LENGTH)), in.readLong(),
                        in.readLong());
                case 6 -> {
                    byte[] salt = readBytes(in);
                    yield new JournalRecord.Reveal(readBytes(in), salt);
                }
                case 7 -> new JournalRecord.Finalize(MarketId.of(readString(in)), in.readLong());
                default -> throw new IOException("unknown journal record type " + type);
            };
            if (in.available() > 0) {
                throw new IOException(in.available() + " trailing bytes after a type " + type + " record");
            }
            return new JournalRecord.Stamped(time, record);
        } catch (RuntimeException e) {
            throw new IOException("journal record does not decode: " + e.getMessage(), e);
        }
    }

    static void writeSignerSet(DataOutputStream out, SignerSet set) throws IOException {
        out.writeLong(set.id());
        out.writeInt(set.threshold());
        writeString(out, set.status().name());
        out.writeLong(set.activationMs());
        out.writeShort(set.keys().size());
        for (SignerKey k : set.keys()) {
            out.write(k.toByteArray());
        }
    }

    static SignerSet readSignerSet(DataInputStream in) throws IOException {
        long id = in.readLong();
        int threshold = in.readInt();
        SignerSetStatus status = SignerSetStatus.valueOf(readString(in));
        long activation = in.readLong();
        int n = in.readUnsignedShort();
        List<SignerKey> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(SignerKey.of(readExactly(in, SignerKey.LENGTH)));
        }
        return new SignerSet(id, threshold, keys, status, activation);
    }

    static void writeMarket(DataOutputStream out, Market m) throws IOException {
        writeString(out, m.id().value());
        writeString(out, m.domain().name());
        writeString(out, m.title());
        writeString(out, m.tier().name());
        out.writeShort(m.outcomes().size());
        for (OutcomeId o : m.outcomes()) {
            writeString(out, o.value());
        }
        out.writeLong(m.schedule().epochWindowMs());
        out.writeLong(m.schedule().publishCadenceMs());
        LedgerTiming t = m.timing();
        out.writeLong(t.finalizationDelayMs());
        out.writeLong(t.maxRevealDelayMs());
        out.writeLong(t.maxCommitStalenessMs());
        out.writeLong(t.maxClockSkewMs());
        writeString(out, m.status().name());
    }

    static Market readMarket(DataInputStream in) throws IOException {
        MarketId id = MarketId.of(readString(in));
        Domain domain = Domain.valueOf(readString(in));
        String title = readString(in);
        Tier tier = Tier.valueOf(readString(in));
        int n = in.readUnsignedShort();
        List<OutcomeId> outcomes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            outcomes.add(OutcomeId.of(readString(in)));
        }
        EpochSchedule schedule = new EpochSchedule(in.readLong(), in.readLong());
        LedgerTiming timing = new LedgerTiming(in.readLong(), in.readLong(), in.readLong(), in.readLong());
        MarketStatus status = MarketStatus.valueOf(readString(in));
        return new Market(id, domain, title, tier, outcomes, schedule, timing, status);
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("length " + n + " exceeds the " + in.available() + " bytes left in the record");
        }
        return readExactly(in, n);
    }

    static byte[] readExactly(DataInputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
