package com.seglamater.hivemind.agent.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static com.seglamater.hivemind.agent.server.AdminClientTest.event;
import static com.seglamater.hivemind.agent.server.AdminClientTest.status;
import static org.assertj.core.api.Assertions.assertThat;

/** The outbox's background delivery: woken by reports, backing off while the server is down. */
class OutboxDeliveryTest {

    @TempDir
    Path dataDir;

    private final FakeLink link = new FakeLink();

    @Test
    void aReportWakesTheIdleDeliveryLoop() throws Exception {
        Outbox outbox = new Outbox(dataDir, link);
        link.up = true;
        // While idle the loop waits for a report only: it never times out here, so a delivery can only
        // come from the report's signal.
        OutboxDelivery.Pause untilWoken = (wake, wait) -> {
            if (wait.equals(OutboxDelivery.IDLE)) {
                wake.acquire();
                return true;
            }
            return OutboxDelivery.Pause.REAL.await(wake, wait);
        };
        try (OutboxDelivery delivery = new OutboxDelivery(outbox, OutboxDelivery.FIRST_RETRY, OutboxDelivery.MAX_RETRY,
                untilWoken)) {
            outbox.status(status("stable"));
            assertThat(link.arrivals.poll(30, TimeUnit.SECONDS)).isEqualTo("status stable");
            outbox.event(event("evt-1"));
            assertThat(link.arrivals.poll(30, TimeUnit.SECONDS)).isEqualTo("event evt-1");
        }
    }

    @Test
    void theDeliveryLoopRetriesWithBackoffWhileTheServerIsDown() throws Exception {
        Outbox outbox = new Outbox(dataDir, link);
        outbox.event(event("evt-1"));
        List<Duration> waits = new CopyOnWriteArrayList<>();
        CountDownLatch idle = new CountDownLatch(1);
        // Each wait is recorded instead of spent; the fifth time the server answers again.
        OutboxDelivery.Pause recorded = (wake, wait) -> {
            waits.add(wait);
            if (wait.equals(OutboxDelivery.IDLE)) {
                idle.countDown();
                // Until close() interrupts. Not on the semaphore: the report made before the loop
                // started left a wake-up there (the recorded waits never took it), which would end
                // this wait at once, and whether a second idle wait was recorded before close()
                // stopped the loop would be a race.
                new CountDownLatch(1).await();
                return true;
            }
            if (waits.size() == 5) {
                link.up = true; // no new report: the retry alone delivers
            }
            return false;
        };

        try (OutboxDelivery delivery = new OutboxDelivery(outbox, Duration.ofMillis(50), Duration.ofMillis(400), recorded)) {
            assertThat(idle.await(30, TimeUnit.SECONDS)).as("delivered, then idle").isTrue();
        }

        assertThat(waits).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(400), Duration.ofMillis(400), OutboxDelivery.IDLE);
        assertThat(link.attempts.get()).as("one try per wait, not a busy loop").isEqualTo(6);
        assertThat(link.calls).containsExactly("event evt-1");
        assertThat(outbox.pending()).isFalse();
    }

    @Test
    void aClosedDeliveryLoopSendsNothingMore() throws Exception {
        Outbox outbox = new Outbox(dataDir, link);
        link.up = true;
        OutboxDelivery delivery = outbox.startDelivery();
        delivery.close();
        assertThat(delivery.alive()).as("its thread has ended: nothing is left to send").isFalse();

        outbox.event(event("evt-1"));

        assertThat(link.calls).isEmpty();
        assertThat(outbox.pending()).isTrue();
    }
}
