package com.m0club.api.verify;

import java.util.Objects;

/** The result of one {@link Check}: passed with what was established, or failed with the reason in plain words. */
public sealed interface CheckResult permits CheckResult.Passed, CheckResult.Failed {
    Check check();

    boolean passed();

    /** One line for a terminal, for example {@code FAIL inclusion: merkle path does not lead to ...}. */
    String line();

    /** The check held; {@code detail} says what was established. */
    record Passed(Check check, String detail) implements CheckResult {
        public Passed {
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public boolean passed() {
            return true;
        }

        @Override
        public String line() {
            return "PASS " + check.label() + ": " + detail;
        }
    }

    /** The check did not hold; {@code reason} says which rule broke and where. */
    record Failed(Check check, String reason) implements CheckResult {
        public Failed {
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public boolean passed() {
            return false;
        }

        @Override
        public String line() {
            return "FAIL " + check.label() + ": " + reason;
        }
    }
}
