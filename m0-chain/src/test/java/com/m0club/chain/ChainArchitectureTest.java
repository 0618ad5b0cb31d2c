package com.m0club.chain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * m0-chain sits right above m0-protocol: it may use the protocol types, the metrics and logging APIs and the JDK,
 * nothing else of the project (in particular not m0-runtime). The port package knows nothing of its implementations,
 * so the Solana adapter plugs in beside the local ledger without touching it.
 */
class ChainArchitectureTest {
    static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.m0club.chain");

    @Test
    void dependsOnlyOnProtocolMetricsLoggingAndTheJdk() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "com.m0club.protocol..", "com.m0club.chain..", "io.prometheus.metrics..",
                        "org.slf4j..")
                .check(PRODUCTION);
    }

    @Test
    void thePortKnowsNoImplementation() {
        noClasses().that().resideInAPackage("com.m0club.chain")
                .should().dependOnClassesThat().resideInAnyPackage("com.m0club.chain.local..", "io.prometheus..",
                        "org.slf4j..")
                .check(PRODUCTION);
    }
}
