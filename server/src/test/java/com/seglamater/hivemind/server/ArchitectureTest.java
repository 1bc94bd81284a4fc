package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.archstray.ArchStray;
import com.seglamater.hivemind.server.net.ArchCycleOne;
import com.seglamater.hivemind.server.ratelimit.ArchCycleTwo;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's package structure (docs/architecture.md): arrows point from the application down
 * through the features, the pages' frame ({@code ui}), authentication and the accounts core to the
 * foundation (audit, database, web and network helpers), never back up and never in a cycle. Each rule is also
 * checked against a class made to break it (the {@code Arch…} classes of the test sources, each in the package
 * its rule watches), so a rule that cannot fail fails.
 */
class ArchitectureTest {

    static final String BASE = "com.seglamater.hivemind.server";
    static final String[] APPLICATION = {BASE, BASE + ".cli..", BASE + ".config.."};
    static final String[] FEATURES = {BASE + ".account..", BASE + ".users..", BASE + ".updates..",
            BASE + ".auditlog..", BASE + ".health..", BASE + ".admin..", BASE + ".dashboard..",
            BASE + ".setup.."};
    /** The pages' frame: templates' engine, layout, forms, flash, error pages; each feature's pages use it. */
    static final String[] PAGES = {BASE + ".ui.."};
    /**
     * The one allowed arrow between features: the dashboard shows the instance's health and the
     * agent's updates, so it reads {@code health} and {@code updates} (neither reads it).
     */
    static final java.util.Map<String, List<String>> FEATURE_READS = java.util.Map.of(
            BASE + ".admin..", List.of(BASE + ".health.."),
            BASE + ".dashboard..", List.of(BASE + ".health..", BASE + ".updates.."));
    static final String[] AUTHENTICATION = {BASE + ".auth..", BASE + ".sso.."};
    static final String[] ACCOUNTS = {BASE + ".identity.."};
    static final String[] FOUNDATION = {BASE + ".audit..", BASE + ".db..", BASE + ".web..", BASE + ".net..",
            BASE + ".origin..", BASE + ".ratelimit.."};

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(BASE);
    }

    static Architectures.LayeredArchitecture layers() {
        return Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Application").definedBy(APPLICATION)
                .layer("Features").definedBy(FEATURES)
                .layer("Pages").definedBy(PAGES)
                .layer("Authentication").definedBy(AUTHENTICATION)
                .layer("Accounts").definedBy(ACCOUNTS)
                .layer("Foundation").definedBy(FOUNDATION)
                .whereLayer("Application").mayNotBeAccessedByAnyLayer()
                .whereLayer("Features").mayOnlyBeAccessedByLayers("Application")
                .whereLayer("Pages").mayOnlyBeAccessedByLayers("Application", "Features")
                .whereLayer("Authentication").mayOnlyBeAccessedByLayers("Application", "Features", "Pages")
                .whereLayer("Accounts").mayOnlyBeAccessedByLayers("Application", "Features", "Pages", "Authentication")
                .whereLayer("Foundation").mayOnlyBeAccessedByLayers("Application", "Features", "Pages",
                        "Authentication", "Accounts");
    }

    /** Every package of the server belongs to a layer: a new one must be placed (and documented). */
    static ArchRule everyPackageHasALayer() {
        List<String> all = new ArrayList<>();
        for (String[] layer : List.of(APPLICATION, FEATURES, PAGES, AUTHENTICATION, ACCOUNTS, FOUNDATION)) {
            all.addAll(List.of(layer));
        }
        return com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes().should()
                .resideInAnyPackage(all.toArray(String[]::new));
    }

    static ArchRule noCycles() {
        return slices().matching(BASE + ".(**)").should().beFreeOfCycles();
    }

    /** The proxy's headers plug into authentication ({@code auth.ProxyAuthentication}), not the reverse. */
    static ArchRule authenticationKnowsNoSso() {
        return noClasses().that().resideInAPackage(BASE + ".auth..").should().dependOnClassesThat()
                .resideInAPackage(BASE + ".sso..");
    }

    /**
     * Features stand side by side, each with its own pages; only the admin socket reports the
     * instance's health, and only the dashboard shows health and updates ({@link #FEATURE_READS}).
     */
    static List<ArchRule> featuresAreIndependent() {
        List<ArchRule> rules = new ArrayList<>();
        for (String feature : FEATURES) {
            List<String> others = new ArrayList<>(List.of(FEATURES));
            others.remove(feature);
            others.removeAll(FEATURE_READS.getOrDefault(feature, List.of()));
            rules.add(noClasses().that().resideInAPackage(feature).should().dependOnClassesThat()
                    .resideInAnyPackage(others.toArray(String[]::new)).allowEmptyShould(true));
        }
        return rules;
    }

    /** The accounts core is the only writer of accounts: nothing else calls UserStore's writes. */
    static ArchRule onlyTheAccountsCoreWritesAccounts() {
        return noClasses().that().resideOutsideOfPackage(BASE + ".identity..").should().callMethodWhere(
                com.tngtech.archunit.base.DescribedPredicate.describe("a write of UserStore", call ->
                        call.getTargetOwner().getName().equals(BASE + ".identity.UserStore")
                                && List.of("create", "update", "setPassword", "linkToSso", "setSource")
                                .contains(call.getName())));
    }

    @Test
    void arrowsPointDownTheLayers() {
        layers().check(production);
    }

    @Test
    void everyPackageIsInALayer() {
        everyPackageHasALayer().check(production);
    }

    @Test
    void thePackagesHaveNoCycle() {
        noCycles().check(production);
    }

    @Test
    void authenticationDoesNotDependOnSso() {
        authenticationKnowsNoSso().check(production);
    }

    @Test
    void noFeatureDependsOnAnother() {
        featuresAreIndependent().forEach(rule -> rule.check(production));
    }

    @Test
    void onlyTheAccountsCoreWritesTheUsersTable() {
        onlyTheAccountsCoreWritesAccounts().check(production);
    }

    @Test
    void eachRuleFailsOnAClassThatBreaksIt() throws ClassNotFoundException {
        assertThat(failures(layers(), Class.forName(BASE + ".web.ArchFoundationUsingAFeature"),
                com.seglamater.hivemind.server.users.UsersService.class))
                .as("a foundation class using a feature").isNotEmpty();
        assertThat(failures(layers(), Class.forName(BASE + ".ui.ArchPagesUsingAFeature"),
                com.seglamater.hivemind.server.users.UsersService.class))
                .as("the pages' frame using a feature").isNotEmpty();
        assertThat(failures(layers(), Class.forName(BASE + ".auth.ArchAuthUsingPages"),
                Class.forName(BASE + ".ui.ArchPagesUsedByAuthentication")))
                .as("authentication using the pages' frame").isNotEmpty();
        assertThat(failures(noCycles(), ArchCycleOne.class, ArchCycleTwo.class))
                .as("two packages using each other").isNotEmpty();
        assertThat(failures(onlyTheAccountsCoreWritesAccounts(), Class.forName(BASE + ".users.ArchWritesAnAccount")))
                .as("a class outside identity writing an account").isNotEmpty();
        assertThat(failures(authenticationKnowsNoSso(), Class.forName(BASE + ".auth.ArchAuthUsingSso")))
                .as("authentication using sso").isNotEmpty();
        Class<?> featureUsingAFeature = Class.forName(BASE + ".account.ArchFeatureUsingAFeature");
        assertThat(featuresAreIndependent().stream()
                .flatMap(rule -> failures(rule, featureUsingAFeature).stream()).toList())
                .as("a feature using another").isNotEmpty();
        assertThat(failures(everyPackageHasALayer(), ArchStray.class)).as("a package outside the layers")
                .isNotEmpty();
    }

    private static List<String> failures(ArchRule rule, Class<?>... classes) {
        EvaluationResult result = rule.allowEmptyShould(true).evaluate(new ClassFileImporter().importClasses(classes));
        return result.getFailureReport().getDetails();
    }
}
