package com.m0club.api.verify;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an offline verification found: one result per check, notes that are not checks (what the ledger status
 * claims, which cannot be checked offline), and an overall verdict. The CLI prints {@link #render()} and exits
 * non-zero unless the verdict is {@link Verdict#VERIFIED}.
 *
 * @param subject what was verified, for example {@code CRYPTO_BTC_UP_1H at http://127.0.0.1:8080}
 */
public record VerificationReport(String subject, List<CheckResult> checks, List<String> notes) {
    /** VERIFIED only when every check ran and passed. */
    public enum Verdict {
        VERIFIED,
        FAILED
    }

    public VerificationReport {
        Objects.requireNonNull(subject, "subject");
        checks = List.copyOf(checks);
        notes = List.copyOf(notes);
    }

    public Verdict verdict() {
        return !checks.isEmpty() && checks.stream().allMatch(CheckResult::passed) ? Verdict.VERIFIED : Verdict.FAILED;
    }

    public boolean verified() {
        return verdict() == Verdict.VERIFIED;
    }

    public List<CheckResult.Failed> failures() {
        return checks.stream().filter(c -> c instanceof CheckResult.Failed).map(c -> (CheckResult.Failed) c)
                .toList();
    }

    /** The result of {@code check}, if it ran. */
    public Optional<CheckResult> result(Check check) {
        return checks.stream().filter(c -> c.check() == check).findFirst();
    }

    /** Plain text for a terminal: a line per check, the notes, then the verdict. */
    public String render() {
        StringBuilder sb = new StringBuilder("verify ").append(subject).append('\n');
        for (CheckResult c : checks) {
            sb.append("  ").append(c.line()).append('\n');
        }
        for (String n : notes) {
            sb.append("  note: ").append(n).append('\n');
        }
        int failed = failures().size();
        sb.append("verdict: ").append(verdict());
        if (failed > 0) {
            sb.append(" (").append(failed).append(" of ").append(checks.size()).append(" checks failed)");
        } else {
            sb.append(" (").append(checks.size()).append(" checks passed)");
        }
        return sb.append('\n').toString();
    }
}
