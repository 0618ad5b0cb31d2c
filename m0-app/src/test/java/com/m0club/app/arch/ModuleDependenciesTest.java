package com.m0club.app.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module graph of docs/architecture.md honest over the production code of every module (m0-app's test
 * classpath holds them all): dependencies point down, the protocol core and the HTTP layer depend on no other module
 * and the runtime on the HTTP layer only, the signer agent (a security boundary) depends on the protocol and the HTTP
 * layer only, the ledger on the protocol only, the API reads the view port
 * (m0-view) and nothing else of the planes, the ports (view, event log) are used only by their producers and
 * consumers and their adapters, an adapter (on its port, the protocol, the runtime and the HTTP layer) only by the
 * app, the dev tooling (m0-devkit) and the backtest (m0-backtest) are used by the app alone, and nothing
 * depends on the app.
 */
class ModuleDependenciesTest {
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // other modules' test-jars (shared fixtures) are on this classpath too: they are tests, not production
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("com.m0club");

    @Test
    void dependenciesPointDownTheModuleList() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage("com.m0club..")
                .layer("protocol").definedBy("com.m0club.protocol..")
                .layer("http").definedBy("com.m0club.http..")
                .layer("view").definedBy("com.m0club.view..")
                .layer("eventlog").definedBy("com.m0club.eventlog..")
                .layer("runtime").definedBy("com.m0club.runtime..")
                .layer("store").definedBy("com.m0club.store..")
                .layer("engine").definedBy("com.m0club.engine..")
                .layer("signer").definedBy("com.m0club.signer..")
                .layer("chain").definedBy("com.m0club.chain..")
                .layer("publish").definedBy("com.m0club.publish..")
                .layer("api").definedBy("com.m0club.api..")
                .layer("backtest").definedBy("com.m0club.backtest..")
                .layer("devkit").definedBy("com.m0club.devkit..")
                .layer("adapter").definedBy("com.m0club.adapter..")
                .layer("app").definedBy("com.m0club.app..")
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("api").mayOnlyBeAccessedByLayers("app")
                .whereLayer("backtest").mayOnlyBeAccessedByLayers("app")
                .whereLayer("devkit").mayOnlyBeAccessedByLayers("app")
                .whereLayer("adapter").mayOnlyBeAccessedByLayers("app")
                .whereLayer("publish").mayOnlyBeAccessedByLayers("app")
                .whereLayer("chain").mayOnlyBeAccessedByLayers("publish", "adapter", "app")
                .whereLayer("signer").mayOnlyBeAccessedByLayers("app")
                .whereLayer("engine").mayOnlyBeAccessedByLayers("backtest", "devkit", "adapter", "app")
                .whereLayer("store").mayOnlyBeAccessedByLayers("publish", "app")
                .whereLayer("view").mayOnlyBeAccessedByLayers("publish", "api", "adapter", "app")
                .whereLayer("eventlog").mayOnlyBeAccessedByLayers("engine", "publish", "adapter", "app")
                .whereLayer("runtime").mayOnlyBeAccessedByLayers("store", "publish", "app")
                .whereLayer("http").mayOnlyBeAccessedByLayers("runtime", "api", "signer", "adapter", "app")
                .check(CLASSES);
    }

    @Test
    void theHttpLayerDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("com.m0club.http..")
                .should().dependOnClassesThat(resideInAPackage("com.m0club..")
                        .and(not(resideInAPackage("com.m0club.http.."))))
                .check(CLASSES);
    }

    @Test
    void adaptersAreImportedByTheAppAlone() {
        noClasses().that().resideOutsideOfPackages("com.m0club.app..", "com.m0club.adapter..")
                .should().dependOnClassesThat().resideInAPackage("com.m0club.adapter..")
                .allowEmptyShould(true).check(CLASSES);
    }

    @Test
    void eachAdapterUsesOnePortAndNoPlane() {
        noClasses().that().resideInAPackage("com.m0club.adapter..")
                .should().dependOnClassesThat().resideInAnyPackage("com.m0club.store..", "com.m0club.publish..",
                        "com.m0club.api..", "com.m0club.signer..", "com.m0club.devkit..", "com.m0club.app..")
                .allowEmptyShould(true).check(CLASSES);
    }

    @Test
    void theApiReadsTheViewPortAndTheProtocolOnly() {
        noClasses().that().resideInAPackage("com.m0club.api..")
                .should().dependOnClassesThat().resideInAnyPackage("com.m0club.store..", "com.m0club.chain..",
                        "com.m0club.publish..", "com.m0club.engine..", "com.m0club.signer..",
                        "com.m0club.eventlog..", "com.m0club.devkit..", "com.m0club.app..")
                .check(CLASSES);
    }
}
