package com.seglamater.hivemind.server.ratelimit;

import com.seglamater.hivemind.model.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitTest {

    private static final String VARIABLE = "HIVEMIND_RATE_TEST";

    private static RateLimit rate(String text) throws ConfigException {
        return RateLimit.parse(VARIABLE, text).orElseThrow();
    }

    private static ConfigException rejected(String text) {
        try {
            RateLimit.parse(VARIABLE, text);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("'" + text + "' was accepted");
    }

    @Test
    void parsesTheDocumentedExamples() throws ConfigException {
        assertThat(rate("600/1m")).isEqualTo(new RateLimit(600, Duration.ofMinutes(1)));
        assertThat(rate("10/10m")).isEqualTo(new RateLimit(10, Duration.ofMinutes(10)));
        assertThat(rate("5/30s")).isEqualTo(new RateLimit(5, Duration.ofSeconds(30)));
        assertThat(rate("1000/1h")).isEqualTo(new RateLimit(1000, Duration.ofHours(1)));
    }

    @Test
    void acceptsTheEdgesOfTheRanges() throws ConfigException {
        assertThat(rate("1/1s")).isEqualTo(new RateLimit(1, Duration.ofSeconds(1)));
        assertThat(rate("1000000/24h")).isEqualTo(new RateLimit(1_000_000, Duration.ofHours(24)));
        assertThat(rate("1/86400s").period()).isEqualTo(Duration.ofHours(24));
        assertThat(rate("1/1440m").period()).isEqualTo(Duration.ofHours(24));
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "OFF", "Off"})
    void offInAnyCaseMeansNoLimit(String text) throws ConfigException {
        assertThat(RateLimit.parse(VARIABLE, text)).isEqualTo(Optional.empty());
    }

    @Test
    void toStringIsTheCanonicalFormAndParsesBackToTheSameRate() throws ConfigException {
        assertThat(rate("600/1m")).hasToString("600/1m");
        assertThat(rate("5/30s")).hasToString("5/30s");
        // The largest unit that divides the period, so equal rates print the same.
        assertThat(rate("600/60s")).hasToString("600/1m");
        assertThat(rate("1/3600s")).hasToString("1/1h");
        assertThat(rate("1/90s")).hasToString("1/90s");
        assertThat(rate("1/90m")).hasToString("1/90m");
        assertThat(rate("007/1m")).hasToString("7/1m");
        for (String text : new String[] {"1/1s", "10/10m", "1000000/24h", "3/100s", "2/25m"}) {
            assertThat(rate(rate(text).toString())).isEqualTo(rate(text));
        }
    }

    @Test
    void malformedMessageMatchesTheContractExample() {
        ConfigException e = rejected("abc");
        assertThat(e.variable()).isEqualTo(VARIABLE);
        assertThat(e.problem()).isEqualTo("'abc' is not a rate (N/PERIOD such as 600/1m, or off)");
    }

    // Missing slash, negatives, unknown or missing or upper-case unit, fractions, whitespace
    // anywhere, "off" with extras: all must fail rather than guess.
    @org.junit.jupiter.api.Test
    void thePeriodIsADurationAsEverySettingWritesOne() throws Exception {
        // One duration grammar (issue 13): days are a unit here as in every other setting.
        assertThat(RateLimit.parse("V", "5/1d")).contains(new RateLimit(5, java.time.Duration.ofDays(1)));
        assertThat(RateLimit.parse("V", "5/90s").orElseThrow().period()).isEqualTo(java.time.Duration.ofSeconds(90));
    }

    @ParameterizedTest
    @ValueSource(strings = {"600", "6001m", "600/", "/1m", "-5/1m", "5/-1m", "5/1w", "5/1ms", "5/1", "5/m",
            "5/1M", "5/1H", "1.5/1m", "5/1.5m", "5/1m/1m", " 5/1m", "5/1m ", "5 /1m", "5/ 1m", "5/1 m", "\t5/1m",
            "off ", "o ff", "offf", "", "none", "0x10/1m"})
    void rejectsMalformedTextQuotingItAndShowingTheFormat(String text) {
        ConfigException e = rejected(text);
        assertThat(e.variable()).isEqualTo(VARIABLE);
        assertThat(e.problem()).isEqualTo("'" + text.replace('\t', '?') + "' is not a rate (N/PERIOD such as 600/1m, or off)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0/1m", "000/1m", "1000001/1m", "99999999999999999999/1m"})
    void rejectsPermitsOutsideOneToAMillion(String text) {
        assertThat(rejected(text).problem())
                .startsWith("'" + text + "' has an invalid number of permits (1-1000000 per period")
                .contains("600/1m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5/0s", "5/0m", "5/0h", "5/25h", "5/86401s", "5/1441m", "5/99999999999999999999h"})
    void rejectsPeriodsOutsideOneSecondToADay(String text) {
        assertThat(rejected(text).problem()).isEqualTo("'" + text + "' has an invalid period (1s to 24h, such as 30s, 10m or 1h)");
    }

    @Test
    void messagesStayOnOneLine() {
        ConfigException e = rejected("5/1m\nHIVEMIND_BIND=0.0.0.0:80");
        assertThat(e.getMessage()).doesNotContain("\n").startsWith(VARIABLE + ": '5/1m?HIVEMIND_BIND");
    }

    @Test
    void constructorRefusesRatesTheParserWouldRefuse() {
        assertThatThrownBy(() -> new RateLimit(0, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimit(1_000_001, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimit(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimit(1, Duration.ofHours(24).plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        // Sub-second periods would not print back as N/PERIOD.
        assertThatThrownBy(() -> new RateLimit(1, Duration.ofMillis(1500))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimit(1, null)).isInstanceOf(NullPointerException.class);
    }
}
