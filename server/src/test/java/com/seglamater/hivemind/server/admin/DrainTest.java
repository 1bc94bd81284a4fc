package com.seglamater.hivemind.server.admin;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DrainTest {

    private static final Duration NOTICE = Duration.ofMillis(400);

    @Test
    void anIdleDrainStillLastsTheNoticeSoThatHealthCheckingProxiesSeeThe503() throws Exception {
        Drain drain = new Drain(NOTICE);
        drain.start();
        long started = System.nanoTime();
        assertThat(drain.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(NOTICE.minusMillis(20));
        assertThat(drain.draining()).isTrue();
    }

    @Test
    void aRepeatedDrainCountsTheNoticeFromTheFirstCall() throws Exception {
        Drain drain = new Drain(NOTICE);
        drain.start();
        Thread.sleep(NOTICE.toMillis());
        drain.start();
        long started = System.nanoTime();
        assertThat(drain.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("/health has said 503 for the whole notice already")
                .isLessThan(NOTICE.dividedBy(2));
    }

    @Test
    void aDrainAfterAnUndrainWaitsTheNoticeAgain() throws Exception {
        Drain drain = new Drain(NOTICE);
        drain.start();
        Thread.sleep(NOTICE.toMillis());
        drain.stop();
        drain.start();
        long started = System.nanoTime();
        assertThat(drain.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(NOTICE.minusMillis(20));
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
