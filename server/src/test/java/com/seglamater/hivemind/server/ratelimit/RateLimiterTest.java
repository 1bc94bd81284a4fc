package com.seglamater.hivemind.server.ratelimit;

import com.seglamater.hivemind.server.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {

    /** Moves only when told, so that no assertion here depends on how fast the test runs. */
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T09:00:00Z"));

    private RateLimiter limiter(int permits, Duration period) {
        return limiter(permits, period, 1000);
    }

    private RateLimiter limiter(int permits, Duration period, int maxKeys) {
        return new RateLimiter(new RateLimit(permits, period), maxKeys, clock);
    }

    private static Decision.Limited limited(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Limited.class);
        return (Decision.Limited) decision;
    }

    private static int allowances(RateLimiter limiter, String key, int attempts) {
        int allowed = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire(key) instanceof Decision.Allowed) {
                allowed++;
            }
        }
        return allowed;
    }

    @Test
    void allowsABurstOfExactlyPermitsThenLimits() {
        RateLimiter limiter = limiter(5, Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire("client")).isEqualTo(new Decision.Allowed());
        }
        assertThat(limiter.tryAcquire("client")).isInstanceOf(Decision.Limited.class);
        assertThat(limiter.tryAcquire("client")).isInstanceOf(Decision.Limited.class);
    }

    @Test
    void retryAfterIsTheTimeUntilOneTokenRoundedUpToWholeSeconds() {
        // 5 per 30 s refills one token every 6 s.
        RateLimiter limiter = limiter(5, Duration.ofSeconds(30));
        allowances(limiter, "client", 5);
        assertThat(limited(limiter.tryAcquire("client")).retryAfter()).isEqualTo(Duration.ofSeconds(6));
        clock.advance(Duration.ofMillis(1500));
        assertThat(limited(limiter.tryAcquire("client")).retryAfter()).isEqualTo(Duration.ofSeconds(5)); // 4.5 s
        clock.advance(Duration.ofMillis(4499));
        assertThat(limited(limiter.tryAcquire("client")).retryAfter()).isEqualTo(Duration.ofSeconds(1)); // 1 ms
        clock.advance(Duration.ofMillis(1));
        // The promise holds: after waiting retryAfter the token is there.
        assertThat(limiter.tryAcquire("client")).isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void retryAfterIsAtLeastOneSecondAndReachesAWholePeriodForOnePermit() {
        RateLimiter fast = limiter(1000, Duration.ofSeconds(1));
        allowances(fast, "client", 1000);
        assertThat(limited(fast.tryAcquire("client")).retryAfter()).isEqualTo(Duration.ofSeconds(1)); // 1 ms, rounded up

        RateLimiter daily = limiter(1, Duration.ofHours(24));
        daily.tryAcquire("client");
        assertThat(limited(daily.tryAcquire("client")).retryAfter()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void refillsContinuouslyAtPermitsPerPeriod() {
        // 600 per minute is one token every 100 ms.
        RateLimiter limiter = limiter(600, Duration.ofMinutes(1));
        assertThat(allowances(limiter, "client", 601)).isEqualTo(600);
        clock.advance(Duration.ofMillis(99));
        assertThat(limiter.tryAcquire("client")).isInstanceOf(Decision.Limited.class);
        clock.advance(Duration.ofMillis(1));
        assertThat(allowances(limiter, "client", 2)).isEqualTo(1);
        clock.advance(Duration.ofMillis(450));
        assertThat(allowances(limiter, "client", 10)).isEqualTo(4);
    }

    @Test
    void refillStopsAtCapacity() {
        RateLimiter limiter = limiter(10, Duration.ofMinutes(1));
        allowances(limiter, "client", 10);
        // Idle for an hour earns one full bucket, not sixty.
        clock.advance(Duration.ofHours(1));
        assertThat(allowances(limiter, "client", 50)).isEqualTo(10);
        allowances(limiter, "client", 10);
        clock.advance(Duration.ofSeconds(59));
        assertThat(allowances(limiter, "client", 50)).isEqualTo(9);
    }

    @Test
    void refillIsNotLostToRoundingWhenTheKeyIsUsedMoreOftenThanOncePerMicrosecond() {
        RateLimiter limiter = limiter(1000, Duration.ofSeconds(1));
        allowances(limiter, "client", 1000);
        int allowed = 0;
        // Two million requests 500 ns apart span exactly one second, which refills 1000 tokens.
        for (int i = 0; i < 2_000_000; i++) {
            clock.advance(Duration.ofNanos(500));
            if (limiter.tryAcquire("client") instanceof Decision.Allowed) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(1000);
    }

    @Test
    void keysAreIndependent() {
        RateLimiter limiter = limiter(3, Duration.ofMinutes(1));
        assertThat(allowances(limiter, "alice", 10)).isEqualTo(3);
        assertThat(allowances(limiter, "bob", 10)).isEqualTo(3);
        assertThat(limiter.tryAcquire("alice")).isInstanceOf(Decision.Limited.class);
        assertThat(limiter.size()).isEqualTo(2);
    }

    @Test
    void firstTripIsTrueForTheFirstRefusalOnlyAndAgainAfterAnAllowedRequest() {
        // One token per 10 s.
        RateLimiter limiter = limiter(2, Duration.ofSeconds(20));
        allowances(limiter, "client", 2);
        assertThat(limited(limiter.tryAcquire("client")).firstTrip()).isTrue();
        assertThat(limited(limiter.tryAcquire("client")).firstTrip()).isFalse();
        assertThat(limited(limiter.tryAcquire("client")).firstTrip()).isFalse();
        clock.advance(Duration.ofSeconds(10));
        assertThat(limiter.tryAcquire("client")).isInstanceOf(Decision.Allowed.class);
        assertThat(limited(limiter.tryAcquire("client")).firstTrip()).isTrue();
        assertThat(limited(limiter.tryAcquire("client")).firstTrip()).isFalse();
    }

    @Test
    void resetForgetsTheKey() {
        RateLimiter limiter = limiter(2, Duration.ofMinutes(1));
        allowances(limiter, "alice", 2);
        allowances(limiter, "bob", 2);
        limiter.reset("alice");
        limiter.reset("nobody");
        assertThat(limiter.size()).isEqualTo(1);
        assertThat(allowances(limiter, "alice", 5)).isEqualTo(2);
        assertThat(limiter.tryAcquire("bob")).isInstanceOf(Decision.Limited.class);
    }

    @Test
    void sizeStaysWithinMaxKeysUnderTenTimesAsManyKeys() {
        RateLimiter limiter = limiter(5, Duration.ofMinutes(1), 100);
        for (int i = 0; i < 1000; i++) {
            clock.advance(Duration.ofMillis(1));
            assertThat(limiter.tryAcquire("client-" + i)).isInstanceOf(Decision.Allowed.class);
            assertThat(limiter.size()).isBetween(Math.min(i + 1, 90), 100);
        }
        // The newest key is kept with its spent token: four left, not a fresh five.
        assertThat(allowances(limiter, "client-999", 10)).isEqualTo(4);
    }

    @Test
    void aRecentlyUsedLimitedKeySurvivesAFloodOfNewKeys() {
        RateLimiter limiter = limiter(5, Duration.ofMinutes(1), 100);
        allowances(limiter, "hot", 5);
        assertThat(limited(limiter.tryAcquire("hot")).firstTrip()).isTrue();
        for (int i = 0; i < 1000; i++) {
            clock.advance(Duration.ofMillis(1));
            limiter.tryAcquire("client-" + i);
            // Still limited and not a first trip: its bucket was never forgotten.
            assertThat(limited(limiter.tryAcquire("hot")).firstTrip()).isFalse();
            assertThat(limiter.size()).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void bucketsThatFilledUpAgainMakeRoomWithoutForgettingSpentOnes() {
        RateLimiter limiter = limiter(1, Duration.ofSeconds(1), 100);
        for (int i = 0; i < 100; i++) {
            limiter.tryAcquire("old-" + i);
        }
        // Full again, so forgotten: a hundred new keys fit beside none of them, and every one is remembered.
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.tryAcquire("new-" + i)).isInstanceOf(Decision.Allowed.class);
        }
        assertThat(limiter.size()).isEqualTo(100);
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.tryAcquire("new-" + i)).as("new-" + i).isInstanceOf(Decision.Limited.class);
        }
    }

    @Test
    void evictionOnlyForgetsAKeyNeverRestrictsItMore() {
        // Two tokens a minute; thirty keys spend one each in a limiter that holds ten.
        RateLimiter limiter = limiter(2, Duration.ofMinutes(1), 10);
        for (int i = 0; i < 30; i++) {
            clock.advance(Duration.ofMillis(1));
            limiter.tryAcquire("k" + i);
        }
        assertThat(limiter.size()).isEqualTo(10);
        int forgotten = 0;
        for (int i = 0; i < 30; i++) {
            // Kept, a key has its second token; forgotten, a full bucket: never a refusal.
            assertThat(limiter.tryAcquire("k" + i)).as("k" + i).isInstanceOf(Decision.Allowed.class);
            forgotten += limiter.tryAcquire("k" + i) instanceof Decision.Allowed ? 1 : 0;
        }
        assertThat(forgotten).as("keys that had been forgotten").isPositive();
    }

    @Test
    void aBucketIsForgottenOnceItWouldBeFullAgain() {
        // One token back every 10 s.
        RateLimiter limiter = limiter(6, Duration.ofMinutes(1));
        allowances(limiter, "one", 1);
        allowances(limiter, "all", 6);
        assertThat(limiter.size()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(10));
        assertThat(limiter.size()).as("'one' is full again").isEqualTo(1);
        clock.advance(Duration.ofSeconds(50));
        assertThat(limiter.size()).as("'all' is full again").isZero();
        assertThat(allowances(limiter, "all", 10)).isEqualTo(6);
    }

    @Test
    void aClockSteppingBackIsNoTimeAndRefillGoesOnFromTheNewReading() {
        // One token back every 10 s.
        RateLimiter limiter = limiter(6, Duration.ofMinutes(1));
        allowances(limiter, "client", 6);
        clock.advance(Duration.ofSeconds(5));
        assertThat(limited(limiter.tryAcquire("client")).retryAfter()).isEqualTo(Duration.ofSeconds(5));
        clock.advance(Duration.ofHours(-1));
        // Neither a bucket refilled by the hour nor a wait of an hour: the half token earned stays.
        assertThat(limited(limiter.tryAcquire("client")).retryAfter()).isEqualTo(Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(5));
        assertThat(allowances(limiter, "client", 3)).isEqualTo(1);
    }

    @Test
    void threadsHammeringOneKeyOnAFrozenClockGetExactlyPermits() throws Exception {
        // Enough permits that a lost update between two threads is all but certain to show.
        int permits = 20_000;
        RateLimiter limiter = new RateLimiter(new RateLimit(permits, Duration.ofMinutes(1)), 100,
                InstantSource.fixed(Instant.parse("2026-11-24T09:00:00Z")));
        int threads = 32;
        int attempts = 1000;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<int[]>> results = new ArrayList<>();
        // Platform threads: the OS preempts them mid-call, so they interleave far more than
        // virtual threads, which run until they block; unsynchronised buckets failed this on every trial run.
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                results.add(executor.submit(() -> {
                    start.await();
                    int[] allowedAndTrips = new int[2];
                    for (int i = 0; i < attempts; i++) {
                        switch (limiter.tryAcquire("shared")) {
                            case Decision.Allowed allowed -> allowedAndTrips[0]++;
                            case Decision.Limited limited -> allowedAndTrips[1] += limited.firstTrip() ? 1 : 0;
                        }
                    }
                    return allowedAndTrips;
                }));
            }
            start.countDown();
        }
        int allowed = 0;
        int trips = 0;
        for (Future<int[]> result : results) {
            allowed += result.get()[0];
            trips += result.get()[1];
        }
        assertThat(allowed).isEqualTo(permits);
        // The trip is reported to exactly one of the racing threads.
        assertThat(trips).isEqualTo(1);
    }

    @Test
    void threadsAddingManyKeysAtOnceKeepTheBound() throws Exception {
        RateLimiter limiter = new RateLimiter(new RateLimit(1, Duration.ofMinutes(1)), 64, clock);
        int threads = 16;
        int keysPerThread = 5000;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                String prefix = "t" + t + "-";
                results.add(executor.submit(() -> {
                    start.await();
                    int allowed = 0;
                    for (int i = 0; i < keysPerThread; i++) {
                        if (limiter.tryAcquire(prefix + i) instanceof Decision.Allowed) {
                            allowed++;
                        }
                    }
                    return allowed;
                }));
            }
            start.countDown();
        }
        int allowed = 0;
        for (Future<Integer> result : results) {
            allowed += result.get();
        }
        // Every key is new, so each gets its one token, sweeps or not.
        assertThat(allowed).isEqualTo(threads * keysPerThread);
        assertThat(limiter.size()).isBetween(1, 64);
    }

    @Test
    void constructorRefusesNoRoomForKeys() {
        assertThatThrownBy(() -> limiter(1, Duration.ofMinutes(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
