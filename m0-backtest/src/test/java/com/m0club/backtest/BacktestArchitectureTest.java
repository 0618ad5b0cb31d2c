package com.m0club.backtest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The backtest touches no live infrastructure and reads no wall clock (m0-backtest/README.md). */
class BacktestArchitectureTest {
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("com.m0club.backtest");

    @Test
    void noDatabaseEventLogLedgerOrNetwork() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "java.net..",
                "com.m0club.eventlog..", "com.m0club.chain..", "com.m0club.store..", "com.m0club.publish..",
                "com.m0club.runtime..", "com.m0club.api..", "com.m0club.devkit..", "com.m0club.app..")
                .check(CLASSES);
    }

    @Test
    void noWallClock() {
        noClasses().should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(java.time.InstantSource.class, "system")
                .orShould().callMethod(java.time.Instant.class, "now")
                .check(CLASSES);
    }
}
