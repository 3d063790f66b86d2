package io.catalog.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;

/**
 * The packages depend downward only: {@code model}, {@code support} and {@code config} at the bottom; the store and
 * the cache tiers and the rate limiter on them; the category summaries Redis maintains on those; the event machinery
 * next; the edge purge and the services on top of that; the HTTP resources and health checks last. Nothing depends on the top,
 * and no two packages depend on each other. Beside them, the {@code lab} package wires the design this pod runs: it
 * may use every layer below the web, and nothing depends on it, so no production class knows the lab's baselines.
 */
class LayeringTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.catalog");

    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("model").definedBy("io.catalog.model..")
            .layer("support").definedBy("io.catalog.support..")
            .layer("config").definedBy("io.catalog.config..")
            .layer("store").definedBy("io.catalog.store..")
            .layer("cache").definedBy("io.catalog.cache..")
            .layer("ratelimit").definedBy("io.catalog.ratelimit..")
            .layer("summary").definedBy("io.catalog.summary..")
            .layer("events").definedBy("io.catalog.events..")
            .layer("edge").definedBy("io.catalog.edge..")
            .layer("service").definedBy("io.catalog.service..")
            .layer("web").definedBy("io.catalog.rest..", "io.catalog.health..", "io.catalog.ui..")
            .layer("lab").definedBy("io.catalog.lab..")

            .whereLayer("lab").mayNotBeAccessedByAnyLayer()
            .whereLayer("web").mayNotBeAccessedByAnyLayer()
            .whereLayer("service").mayOnlyBeAccessedByLayers("web", "lab")
            .whereLayer("edge").mayOnlyBeAccessedByLayers("web")
            .whereLayer("events").mayOnlyBeAccessedByLayers("edge", "service", "web", "lab")
            .whereLayer("summary").mayOnlyBeAccessedByLayers("events", "service", "web", "lab")
            .whereLayer("cache").mayOnlyBeAccessedByLayers("summary", "events", "edge", "service", "web", "lab")
            .whereLayer("store").mayOnlyBeAccessedByLayers("summary", "events", "service", "web", "lab")
            .whereLayer("ratelimit").mayOnlyBeAccessedByLayers("web")
            .whereLayer("model").mayOnlyBeAccessedByLayers("support", "store", "cache", "summary", "events", "edge",
                    "service", "web", "lab")
            .whereLayer("config").mayOnlyBeAccessedByLayers("support", "store", "cache", "summary", "ratelimit", "events",
                    "edge", "service", "web", "lab");

    /** Model is the bottom: it knows nothing of the service around it but its JSON codec. */
    static final ArchRule MODEL_IS_THE_BOTTOM = ArchRuleDefinition.noClasses()
            .that().resideInAPackage("io.catalog.model..")
            .should().dependOnClassesThat().resideInAnyPackage("io.catalog.store..", "io.catalog.cache..",
                    "io.catalog.summary..", "io.catalog.events..", "io.catalog.edge..", "io.catalog.service..",
                    "io.catalog.rest..",
                    "io.catalog.health..", "io.catalog.config..");

    /**
     * The lab's switches are read in one place, {@code CacheDesign}, resolved once at start-up and asked only by the
     * {@code lab} package's wiring (the layer rule: nothing depends on {@code lab}); no production class reads them,
     * so none holds a branch that only the lab takes.
     */
    static final ArchRule LAB_SWITCHES_READ_ONCE = ArchRuleDefinition.noClasses()
            .that().doNotHaveFullyQualifiedName("io.catalog.lab.CacheDesign")
            .should().callMethod("io.catalog.config.CatalogConfig", "lab");

    /** Dependencies arrive through constructors only: a class's constructor lists everything it needs. */
    static final ArchRule CONSTRUCTOR_INJECTION_ONLY = ArchRuleDefinition.noFields()
            .should().beAnnotatedWith("jakarta.inject.Inject");

    static final ArchRule NO_CYCLES = slices().matching("io.catalog.(*)..").should().beFreeOfCycles();

    @Test
    void packagesDependDownwardOnly() {
        LAYERS.check(MAIN);
    }

    @Test
    void modelDependsOnNothingOfTheService() {
        MODEL_IS_THE_BOTTOM.check(MAIN);
    }

    @Test
    void labSwitchesAreReadOnlyByTheCacheDesign() {
        LAB_SWITCHES_READ_ONCE.check(MAIN);
    }

    @Test
    void dependenciesArriveThroughConstructors() {
        CONSTRUCTOR_INJECTION_ONLY.check(MAIN);
    }

    @Test
    void noPackageCycles() {
        NO_CYCLES.check(MAIN);
    }
}
