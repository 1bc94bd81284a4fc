package com.seglamater.hivemind.model.version;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SemanticVersionTest {

    @Test
    void ordersVersionsAsSemVerSection11Says() {
        // The example chain from the SemVer 2.0.0 specification, plus numeric-core cases.
        List<String> ordered = List.of("0.1.7", "0.1.10", "0.2.0-rc.1", "0.2.0", "1.0.0-alpha", "1.0.0-alpha.1",
                "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.9.0",
                "1.10.0", "2.0.0", "10.0.0");
        List<SemanticVersion> shuffled = new ArrayList<>(ordered.stream().map(SemanticVersion::parse).toList());
        Collections.shuffle(shuffled, new java.util.Random(42));
        Collections.sort(shuffled);
        assertThat(shuffled).extracting(SemanticVersion::toString).containsExactlyElementsOf(ordered);
    }

    @Test
    void buildMetadataDoesNotChangePrecedence() {
        SemanticVersion a = SemanticVersion.parse("1.0.0+build.1");
        SemanticVersion b = SemanticVersion.parse("1.0.0+build.2");
        assertThat(a.compareTo(b)).isZero();
        assertThat(a).isNotEqualTo(b);
        assertThat(a.isOlderThan(b)).isFalse();
        assertThat(a.build()).containsExactly("build", "1");
    }

    @Test
    void numbersLargerThanLongStillCompare() {
        assertThat(SemanticVersion.parse("1.0.99999999999999999999")
                .compareTo(SemanticVersion.parse("1.0.99999999999999999998"))).isPositive();
    }

    @Test
    void roundTripsItsText() {
        assertThat(SemanticVersion.parse("0.2.0-rc.1+sha.5114f85")).hasToString("0.2.0-rc.1+sha.5114f85");
        assertThat(SemanticVersion.parse("0.2.0-rc.1").isPreRelease()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2", "1.2.3.4", "v1.2.3", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3-01",
            "1.2.3-rc..1", "1.2.3+", "1.2.3-rc_1", " 1.2.3", "1.2.3 ", "-1.2.3", "1.2.x"})
    void refusesAnythingThatIsNotStrictSemVer(String text) {
        assertThatThrownBy(() -> SemanticVersion.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesOverlongInput() {
        assertThatThrownBy(() -> SemanticVersion.parse("1.2.3-" + "a".repeat(200)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than");
    }
}
