package com.seglamater.hivemind.signer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @Test
    void parsesEveryUnit() {
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(Durations.parse("21d")).isEqualTo(Duration.ofDays(21));
        assertThat(Durations.parse("2w")).isEqualTo(Duration.ofDays(14));
        assertThat(Durations.parse("1y")).isEqualTo(Duration.ofDays(365));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "21", "d", "-1d", "1.5d", "0s", "3 days", "1d2h", "101y"})
    void refusesAnythingElseWithAMessageShowingTheSyntax(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void formatsCompactly() {
        assertThat(Durations.format(Duration.ofHours(27))).isEqualTo("1d 3h");
        assertThat(Durations.format(Duration.ofDays(21))).isEqualTo("21d");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h 30m");
        assertThat(Durations.format(Duration.ofSeconds(-42))).isEqualTo("42s");
    }
}
