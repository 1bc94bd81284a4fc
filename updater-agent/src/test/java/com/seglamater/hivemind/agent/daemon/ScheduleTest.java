package com.seglamater.hivemind.agent.daemon;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduleTest {

    @Test
    void theNextPollIsTheIntervalPlusUpToATenthOfJitter() {
        assertThat(new Schedule(Duration.ofMinutes(5), () -> 0.0).next(0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(new Schedule(Duration.ofMinutes(5), () -> 0.999).next(0))
                .isGreaterThan(Duration.ofMinutes(5)).isLessThan(Duration.ofSeconds(330));
    }

    @Test
    void failuresDoubleTheWaitUpToAnHour() {
        Schedule s = new Schedule(Duration.ofMinutes(5), () -> 0.0);
        assertThat(s.next(1)).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.next(3)).isEqualTo(Duration.ofMinutes(40));
        assertThat(s.next(4)).isEqualTo(Duration.ofHours(1));
        assertThat(s.next(1000)).as("no overflow").isEqualTo(Duration.ofHours(1));
    }

    @Test
    void anIntervalLongerThanAnHourIsNotShortenedByTheCap() {
        assertThat(new Schedule(Duration.ofHours(6), () -> 0.0).next(3)).isEqualTo(Duration.ofHours(6));
    }
}
