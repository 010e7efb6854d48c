package org.rationale;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package structure the README draws: packages (each sub-package of {@code ui} on its own)
 * form no cycle, each uses only the packages below it, and only the UI knows Vaadin.
 */
class PackageCyclesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.rationale");

    /**
     * The layers from the bottom up, each with its packages: a layer may use every layer below it
     * (and, within "ui pages", the other pages; the cycle rule keeps those acyclic). The README's
     * architecture section draws this list.
     */
    private static final Map<String, List<String>> LAYERS = layers(
            "error", "org.rationale.error..",
            "explain", "org.rationale.explain..",
            "imaging", "org.rationale.imaging..",
            "config", "org.rationale.config..",
            "database", "org.rationale.database..",
            "web", "org.rationale.web..",
            "audit", "org.rationale.audit..",
            "security", "org.rationale.security..",
            "project", "org.rationale.project..",
            "dataset", "org.rationale.dataset..",
            "model", "org.rationale.model..",
            "saliency", "org.rationale.saliency..",
            "review", "org.rationale.review..",
            "worker", "org.rationale.worker..",
            "scheduler", "org.rationale.scheduler..",
            "report", "org.rationale.report..",
            "demo", "org.rationale.demo..",
            "ui", "org.rationale.ui",
            "ui pages", "org.rationale.ui.audit..,org.rationale.ui.model..,org.rationale.ui.review..,org.rationale.ui.scheduler..",
            "application", "org.rationale");

    @Test
    void packagesFormNoCycle() {
        slices().matching("org.rationale.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void eachPackageUsesOnlyThePackagesBelowIt() {
        Architectures.LayeredArchitecture architecture = Architectures.layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true);
        List<String> names = List.copyOf(LAYERS.keySet());
        for (String name : names) {
            architecture = architecture.layer(name).definedBy(LAYERS.get(name).toArray(new String[0]));
        }
        for (int i = 0; i < names.size(); i++) {
            architecture = i == 0 ? architecture.whereLayer(names.get(i)).mayNotAccessAnyLayer()
                    : architecture.whereLayer(names.get(i)).mayOnlyAccessLayers(names.subList(0, i).toArray(new String[0]));
        }
        architecture.check(CLASSES);
    }

    @Test
    void onlyTheUiUsesVaadin() {
        noClasses().that().resideOutsideOfPackage("org.rationale.ui..")
                .should().dependOnClassesThat().resideInAPackage("com.vaadin..")
                .because("the UI supplies the caller to the services; REST and services know no UI framework")
                .check(CLASSES);
    }

    /** Layers in order from name, comma-separated package patterns, name, patterns, .... */
    private static Map<String, List<String>> layers(String... namesAndPackages) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndPackages.length; i += 2) {
            out.put(namesAndPackages[i], Arrays.asList(namesAndPackages[i + 1].split(",")));
        }
        return out;
    }
}
