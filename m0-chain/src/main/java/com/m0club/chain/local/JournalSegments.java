package com.m0club.chain.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The journal's segments in a ledger directory. The first is {@code journal.m0l} (base 0, the name every ledger
 * directory had before snapshots); each snapshot after record N starts a new segment {@code journal-<N>.m0l} (base N:
 * its first record is global record N + 1). The segment with the highest base is the live one, appended to; the
 * others are sealed. Each segment has its own acknowledgement marker ({@code <segment>.ack}).
 */
final class JournalSegments {
    private static final Pattern NAME = Pattern.compile("journal-(\\d{20})\\.m0l");

    private JournalSegments() {}

    /** A segment file and its base (records before its first record). */
    record Segment(Path file, long base) {}

    static Path fileFor(Path directory, long base) {
        return base == 0 ? directory.resolve(LocalLedger.JOURNAL_FILE)
                : directory.resolve(String.format("journal-%020d.m0l", base));
    }

    /** The segments present, oldest (lowest base) first. */
    static List<Segment> list(Path directory) throws IOException {
        List<Segment> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.equals(LocalLedger.JOURNAL_FILE)) {
                    out.add(new Segment(p, 0));
                } else {
                    Matcher m = NAME.matcher(name);
                    if (m.matches()) {
                        out.add(new Segment(p, Long.parseLong(m.group(1))));
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(Segment::base));
        return out;
    }

    /** The live segment's file: the highest base present, or {@code journal.m0l} when there is none. */
    static Path live(Path directory) throws IOException {
        List<Segment> all = list(directory);
        return all.isEmpty() ? fileFor(directory, 0) : all.getLast().file();
    }
}
