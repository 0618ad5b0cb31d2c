package com.m0club.runtime.admin;

import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * One dependency {@code /readyz} verifies (database reachable, event log reachable, signer quorum, RPC). Checks
 * run in parallel on virtual threads with a timeout, so a check may block on I/O; a check that throws or times out
 * counts as down. A check should be cheap (a {@code SELECT 1}, a ping): probes call it every few seconds.
 */
public interface ReadinessCheck {

    /** Stable name, shown in {@code /readyz} and used as the {@code check} metric label, e.g. {@code postgres}. */
    String name();

    /** Probes the dependency. Throwing means down, with the exception as the detail. */
    CheckResult check() throws Exception;

    /** A check from a name and a callable. */
    static ReadinessCheck of(String name, Callable<CheckResult> check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CheckResult check() throws Exception {
                return check.call();
            }

            @Override
            public String toString() {
                return "ReadinessCheck[" + name + "]";
            }
        };
    }

    /** A check that is always up (e.g. for a role with no dependencies). */
    static ReadinessCheck alwaysUp(String name) {
        return of(name, CheckResult::ok);
    }
}
