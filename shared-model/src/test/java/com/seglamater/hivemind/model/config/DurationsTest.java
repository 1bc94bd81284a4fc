package com.seglamater.hivemind.model.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    private static final Duration MIN = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofDays(1000);

    private static Duration parse(String text) throws ConfigException {
        return Durations.parse("HIVEMIND_X", text, MIN, MAX);
    }

    @Test
    void parsesEachUnit() throws ConfigException {
        assertThat(parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(parse("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(parse("007d")).isEqualTo(Duration.ofDays(7));
        assertThat(parse("999999s")).isEqualTo(Duration.ofSeconds(999_999));
    }

    @Test
    void theBoundsAreInclusive() throws ConfigException {
        assertThat(Durations.parse("V", "1m", Duration.ofMinutes(1), Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("V", "60m", Duration.ofMinutes(1), Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("V", "60s", Duration.ofMinutes(1), Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void outOfRangeNamesTheVariableTheValueAndTheRange() {
        assertThatThrownBy(() -> Durations.parse("HIVEMIND_SESSION_IDLE_TIMEOUT", "59s", Duration.ofMinutes(1),
                Duration.ofDays(30)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("HIVEMIND_SESSION_IDLE_TIMEOUT: '59s' is out of range (1m to 30d)")
                .extracting(e -> ((ConfigException) e).variable()).isEqualTo("HIVEMIND_SESSION_IDLE_TIMEOUT");
        assertThatThrownBy(() -> Durations.parse("V", "61m", Duration.ofMinutes(1), Duration.ofHours(1)))
                .hasMessage("V: '61m' is out of range (1m to 1h)");
        assertThatThrownBy(() -> parse("0s")).hasMessageContaining("out of range");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "30", "30 s", " 30s", "30s ", "1.5h", "-5m", "+5m", "5M", "5H", "5w", "5ms",
            "1h30m", "1000000s", "PT30S", "thirty", "٣s", "1y", "2w", "21D", "3 days"})
    void refusesAnythingButAWholeNumberAndALowerCaseUnit(String text) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("HIVEMIND_X: '" + text + "' is not a duration")
                .hasMessageContaining("such as 30m or 12h");
    }

    @Test
    void withoutANameTheErrorIsTheProblemAlone() {
        assertThat(Durations.parse("21d", Duration.ofHours(1), Duration.ofDays(365))).isEqualTo(Duration.ofDays(21));
        assertThatThrownBy(() -> Durations.parse("2w", Duration.ofHours(1), Duration.ofDays(365)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'2w' is not a duration (a whole number and s, m, h or d, such as 30m or 12h)");
        assertThatThrownBy(() -> Durations.parse("0s", Duration.ofSeconds(1), Duration.ofDays(36_500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("'0s' is out of range (1s to 36500d)");
    }

    @Test
    void controlCharactersInABadValueAreNotEchoed() {
        assertThatThrownBy(() -> parse("5m\u001b[2J")).hasMessageStartingWith("HIVEMIND_X: '5m?[2J' is not a duration");
    }

    @Test
    void describeRoundsToTheTwoLargestUnitsForPeople() {
        assertThat(Durations.describe(Duration.ofHours(27))).isEqualTo("1d 3h");
        assertThat(Durations.describe(Duration.ofDays(21))).isEqualTo("21d");
        assertThat(Durations.describe(Duration.ofMinutes(90))).isEqualTo("1h 30m");
        assertThat(Durations.describe(Duration.ofSeconds(3_600 + 59))).isEqualTo("1h");
        assertThat(Durations.describe(Duration.ofMinutes(45))).isEqualTo("45m");
        assertThat(Durations.describe(Duration.ofSeconds(-42))).isEqualTo("42s");
    }

    @Test
    void formatAtMostIsTheLongestValueInOneUnitThatDoesNotExceedIt() throws ConfigException {
        assertThat(Durations.formatAtMost(Duration.ofDays(9).plusHours(20))).isEqualTo("9d");
        assertThat(Durations.formatAtMost(Duration.ofHours(5).plusMinutes(40))).isEqualTo("5h");
        assertThat(Durations.formatAtMost(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(Durations.formatAtMost(Duration.ofSeconds(-1))).isEqualTo("0s");
        assertThat(parse(Durations.formatAtMost(Duration.ofDays(9).plusHours(20)))).isEqualTo(Duration.ofDays(9));
    }

    @Test
    void formatGivesTheLargestExactUnit() {
        assertThat(Durations.format(Duration.ZERO)).as("zero reads back as zero seconds").isEqualTo("0s");
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(Durations.format(Duration.ofHours(12))).isEqualTo("12h");
        assertThat(Durations.format(Duration.ofHours(36))).isEqualTo("36h");
        assertThat(Durations.format(Duration.ofMinutes(1))).isEqualTo("1m");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofSeconds(1))).isEqualTo("1s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1s", "59s", "90s", "1m", "45m", "1h", "36h", "1d", "30d", "365d"})
    void formatReadsBackAsTheSameDuration(String text) throws ConfigException {
        Duration parsed = parse(text);
        assertThat(parse(Durations.format(parsed))).isEqualTo(parsed);
        assertThat(Durations.format(parsed)).isEqualTo(text);
    }
}
