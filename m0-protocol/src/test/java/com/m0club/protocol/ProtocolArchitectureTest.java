package com.m0club.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps m0-protocol at the bottom of the dependency graph: its production code may use the JDK, BouncyCastle and
 * itself, nothing else. (The Maven enforcer rule in this module's pom checks the declared dependencies; this checks
 * the code.)
 */
class ProtocolArchitectureTest {
    static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.m0club.protocol");

    @Test
    void dependsOnlyOnTheJdkAndBouncyCastle() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "javax.crypto..", "org.bouncycastle..", "com.m0club.protocol..")
                .check(PRODUCTION);
    }

    @Test
    void doesNotReachIntoOtherM0Modules() {
        noClasses().should().dependOnClassesThat(
                        JavaClass.Predicates.resideInAPackage("com.m0club..")
                                .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("com.m0club.protocol.."))))
                .check(PRODUCTION);
    }
}
