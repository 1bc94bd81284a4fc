package com.seglamater.hivemind.server.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * An in-memory token bucket per key (a client address, an account name), all sharing one
 * {@link RateLimit}.
 *
 * <h2>Algorithm</h2>
 * Each key's bucket holds up to {@code permits} tokens and starts full; it refills
 * continuously at {@code permits / period}, and a request spends one token. So a key may
 * burst {@code permits} requests at once, then sustain {@code permits} per period. The
 * level is kept as an exact integer at microsecond resolution (one token is
 * {@code period} in microseconds; {@code permits} units accrue per elapsed microsecond),
 * so there is no floating-point drift and no overflow within {@link RateLimit}'s bounds.
 * Refill is computed lazily when a key is used; nothing runs in the background.
 *
 * <h2>Time</h2>
 * Time comes only from the injected clock: the server's {@code Clock}, which tests replace
 * with one they move by hand, so that no test of a limit depends on how fast it runs. A wall
 * clock can step (NTP): a step forward refills at most one full bucket early (the limiter only
 * forgets, as below); a step back is not counted as time at all, the bucket refilling again from
 * the new reading, so a client may wait up to the time between the step and its next request
 * longer than its {@code Retry-After} said.
 *
 * <h2>Bounds</h2>
 * The buckets live in a Caffeine cache of at most {@code maxKeys} entries. A bucket expires
 * the moment it would be full again, which forgets nothing because a new bucket for that key
 * would be identical; so only keys spent within the last period are held (Caffeine frees an
 * expired entry's memory within about a second, when its timer wheel turns). When more than
 * {@code maxKeys} keys are held, Caffeine evicts by its W-TinyLFU policy: once the cache is half
 * full it counts how often keys are used, and keeps keys in frequent use over a flood of keys
 * seen once. Memory is roughly 150 bytes plus the key per bucket.
 *
 * <h2>Eviction only forgets</h2>
 * A dropped key starts again with a full bucket, so eviction can only make a key
 * <em>less</em> restricted than it was, never more: the limiter fails open, not closed.
 * The price is that a client able to make more than about {@code maxKeys} distinct keys
 * within one period can push partly spent buckets out and get fresh bursts; size
 * {@code maxKeys} above the distinct keys expected per period, and key by something a
 * client cannot mint cheaply.
 *
 * <h2>Threads</h2>
 * Safe for any number of (virtual) threads. A request updates its key's bucket in one atomic
 * {@code compute} of the cache's map, which locks that key's entry alone for a few arithmetic
 * steps; Caffeine's own upkeep (expiry, eviction) runs on the calling thread, amortised, and
 * never under a global lock that a request waits for.
 *
 * <h2>Why Caffeine, and why the bucket arithmetic is ours</h2>
 * Issue 13 asks for hand-written code to be replaced by a well-kept library where one does the
 * job and it is not security-critical. The bounded map was the larger, subtler half of this
 * class (slot reservation, sweeps under a lock, LRU by snapshot, a retry loop for buckets
 * removed under a reader): Caffeine, already the JVM's standard bounded cache, does it with an
 * injectable ticker, per-entry expiry and an eviction policy that resists floods, so it is used.
 * The arithmetic of one bucket is kept (about forty lines, tested to the microsecond on a fake
 * clock): of the libraries that can be had here, none gives per-key buckets whose burst is a
 * whole period's permits, a Retry-After and a first-trip flag on an injected clock.
 * Resilience4j's {@code AtomicRateLimiter} reads {@code System.nanoTime()} itself and refreshes
 * permits per cycle instead of continuously; Guava's {@code RateLimiter} is {@code @Beta},
 * caps bursts at one second of permits and hides its clock; Bucket4j, which would fit, is not
 * served to this build.
 */
public final class RateLimiter {

    public static final int DEFAULT_MAX_KEYS = 100_000;

    private static final Decision ALLOWED = new Decision.Allowed();

    private final long permits;
    /** One token, in level units: the period in microseconds. */
    private final long token;
    /** A full bucket, in level units. */
    private final long capacity;
    private final long periodNanos;
    private final InstantSource clock;
    private final Cache<String, Bucket> buckets;

    /** A limiter tracking up to {@value #DEFAULT_MAX_KEYS} keys. */
    public RateLimiter(RateLimit limit, InstantSource clock) {
        this(limit, DEFAULT_MAX_KEYS, clock);
    }

    /**
     * @param limit   the rate every key gets
     * @param maxKeys most buckets held at once, at least 1
     * @param clock   now; the server's clock
     */
    public RateLimiter(RateLimit limit, int maxKeys, InstantSource clock) {
        Objects.requireNonNull(limit, "limit");
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys " + maxKeys + " is below 1");
        }
        this.permits = limit.permits();
        this.periodNanos = limit.period().toNanos();
        this.token = periodNanos / 1000;
        this.capacity = permits * token;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfter(new UntilFull())
                .ticker(this::nanos)
                // Upkeep on the calling thread: no pool, and a test sees it done when its call returns.
                .executor(Runnable::run)
                .build();
    }

    /** Spends one of the key's tokens if it has one. */
    public Decision tryAcquire(String key) {
        return buckets.asMap().compute(key, (k, bucket) -> spend(bucket, nanos())).decision();
    }

    /** Forgets the key: its next request finds a full bucket. */
    public void reset(String key) {
        buckets.invalidate(key);
    }

    /**
     * Keys whose buckets are held now (spent and not full again); at most {@code maxKeys}. It walks
     * them all: for tests and diagnostics, not for every request. (Caffeine's own count may still
     * include buckets that filled up within the last second, until its timer wheel turns.)
     */
    public int size() {
        buckets.cleanUp();
        return (int) buckets.asMap().keySet().stream().count();
    }

    /** The clock's reading in nanoseconds since the epoch (a long holds them until 2262). */
    private long nanos() {
        Instant now = clock.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    }

    private Bucket spend(Bucket bucket, long now) {
        long level = capacity;
        long refilledAt = now;
        boolean tripped = false;
        if (bucket != null) {
            long elapsed = now - bucket.refilledAt();
            tripped = bucket.decision() instanceof Decision.Limited;
            if (elapsed >= periodNanos) {
                // A whole period refills any bucket; also keeps the product below from overflowing.
                level = capacity;
            } else if (elapsed < 0) {
                // The clock stepped back: that is no time; refill goes on from the new reading.
                level = bucket.level();
            } else {
                long micros = elapsed / 1000;
                level = Math.min(capacity, bucket.level() + micros * permits);
                // Sub-microsecond remainders carry over to the next refill rather than being lost.
                refilledAt = bucket.refilledAt() + micros * 1000;
            }
        }
        if (level >= token) {
            return new Bucket(level - token, refilledAt, ALLOWED);
        }
        long waitMicros = Math.ceilDiv(token - level, permits);
        // Ignoring the sub-microsecond part already elapsed can only round the wait up.
        long seconds = Math.max(1, Math.ceilDiv(waitMicros, 1_000_000L));
        return new Bucket(level, refilledAt, new Decision.Limited(Duration.ofSeconds(seconds), !tripped));
    }

    /**
     * One key's state after its last request.
     *
     * @param level      tokens times {@code token}: 0 to {@code capacity}
     * @param refilledAt the clock's nanoseconds up to which the level is counted
     * @param decision   the last request's answer; {@code Limited} means refused since last allowed
     */
    private record Bucket(long level, long refilledAt, Decision decision) {
    }

    /** A bucket is kept until it would be full again, when forgetting it changes nothing. */
    private final class UntilFull implements Expiry<String, Bucket> {

        @Override
        public long expireAfterCreate(String key, Bucket bucket, long currentTime) {
            long micros = Math.ceilDiv(capacity - bucket.level(), permits);
            // refilledAt may lag the clock by under a microsecond; a nanosecond floor keeps a full one alive for none.
            return Math.max(1, micros * 1000 - (currentTime - bucket.refilledAt()));
        }

        @Override
        public long expireAfterUpdate(String key, Bucket bucket, long currentTime, long currentDuration) {
            return expireAfterCreate(key, bucket, currentTime);
        }

        @Override
        public long expireAfterRead(String key, Bucket bucket, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
