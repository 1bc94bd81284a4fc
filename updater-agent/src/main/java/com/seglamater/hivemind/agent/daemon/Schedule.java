package com.seglamater.hivemind.agent.daemon;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When the next poll happens: the interval plus up to a tenth of jitter (so a fleet does not
 * poll in step), and after consecutive failures the interval doubled each time, up to an hour
 * (or the interval, if longer), so an outage of the release host is not hammered.
 */
public final class Schedule {

    static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private final Duration interval;
    private final DoubleSupplier random;

    public Schedule(Duration interval, DoubleSupplier random) {
        this.interval = interval;
        this.random = random;
    }

    public Duration next(int consecutiveFailures) {
        Duration base = interval;
        Duration cap = interval.compareTo(MAX_BACKOFF) > 0 ? interval : MAX_BACKOFF;
        for (int i = 0; i < consecutiveFailures && base.compareTo(cap) < 0; i++) {
            base = base.multipliedBy(2);
        }
        if (base.compareTo(cap) > 0) {
            base = cap;
        }
        long jitterMillis = (long) (base.toMillis() / 10.0 * random.getAsDouble());
        return base.plusMillis(jitterMillis);
    }
}
