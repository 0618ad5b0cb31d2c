package com.m0club.chain.local;

/**
 * The ledger journal is damaged somewhere other than its last record (or a record no longer applies), so the ledger
 * cannot be rebuilt from it safely. Unlike a torn tail, which a crash mid-write leaves and which is truncated with a
 * warning, this needs an operator: the message names the file and the byte offset of the bad record.
 */
public final class JournalCorruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The runbook every refusal names. */
    public static final String RUNBOOK = "Runbook: local ledger journal damaged";

    private final long offset;

    JournalCorruptedException(String file, long offset, String problem) {
        this(file, offset, problem, null);
    }

    JournalCorruptedException(String file, long offset, String problem, Throwable cause) {
        super("ledger journal " + file + " is corrupted at offset " + offset + ": " + problem
                + (problem.contains(RUNBOOK) ? "" : ". See docs/operations.md, \"" + RUNBOOK + "\""), cause);
        this.offset = offset;
    }

    /** Byte offset in the journal file of the record that is bad. */
    public long offset() {
        return offset;
    }
}
