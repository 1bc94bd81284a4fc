package com.seglamater.hivemind.server.admin;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DrainTest {

    private static final Duration NOTICE = Duration.ofMillis(400);

    @Test
    void anIdleDrainStillLastsTheNoticeSoThatHealthCheckingProxiesSeeThe503() throws Exception {
        Drain drain = new Drain(NOTICE);
        // Read before the drain begins: the notice runs from start(), so the wait is at least NOTICE after this.
        long started = System.nanoTime();
        drain.start();
        assertThat(drain.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(NOTICE);
        assertThat(drain.draining()).isTrue();
    }

    @Test
    void aRepeatedDrainCountsTheNoticeFromTheFirstCall() throws Exception {
        // A long notice, so that a busy machine's pauses cannot blur "none left" into "a whole one again".
        Duration notice = Duration.ofSeconds(2);
        Drain drain = new Drain(notice);
        drain.start();
        Thread.sleep(notice.toMillis());
        drain.start();
        long started = System.nanoTime();
        assertThat(drain.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("/health has said 503 for the whole notice already")
                .isLessThan(notice.dividedBy(2));
    }

    @Test
    void aDrainAfterAnUndrainWaitsTheNoticeAgain() throws Exception {
        Drain drain = new Drain(NOTICE);
        drain.start();
        Thread.sleep(NOTICE.toMillis());
        drain.stop();
        long started = System.nanoTime();
        drain.start();
        assertThat(drain.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(NOTICE);
    }

    @Test
    void theCallersBoundCutsTheNoticeShort() throws Exception {
        Drain drain = new Drain(Duration.ofSeconds(30));
        drain.start();
        long started = System.nanoTime();
        assertThat(drain.awaitIdle(Duration.ZERO)).as("idle: nothing in flight").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
}
