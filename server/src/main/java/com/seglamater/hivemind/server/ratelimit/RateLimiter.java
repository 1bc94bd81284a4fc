package com.seglamater.hivemind.server.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

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
 * Refill is computed lazily when a key is used; nothing runs in the background. Time comes
 * only from the injected {@code nanoTime}, so tests drive a fake clock.
 *
 * <h2>Bounds</h2>
 * At most {@code maxKeys} buckets exist: a new key reserves a slot before its bucket is
 * added. When every slot is taken, the thread that needs one sweeps, under a lock only
 * sweeps take: first it drops every fully refilled bucket, which forgets nothing because a
 * new bucket for that key would be identical; then, if more than 90% of {@code maxKeys}
 * remain, it drops the least recently used (by last {@code tryAcquire}) until 90% remain.
 * A sweep costs O(n log n) and normally frees a tenth of the slots (fewer only if those keys
 * are used during the sweep), so for {@code maxKeys} of 10 or more it is amortised to
 * O(log n) per new key. New keys wait while a sweep runs; requests for keys already tracked
 * never sweep (at most they wait for their own bucket while a sweep looks at it). Memory is
 * roughly 100 bytes plus the key per bucket.
 *
 * <h2>Eviction only forgets</h2>
 * A dropped key starts again with a full bucket, so eviction can only make a key
 * <em>less</em> restricted than it was, never more: the limiter fails open, not closed.
 * The price is that a client able to make more than about {@code maxKeys} distinct keys
 * within one period can push its own partly spent buckets out and get fresh bursts; size
 * {@code maxKeys} above the distinct keys expected per period, and key by something a
 * client cannot mint cheaply.
 *
 * <h2>Threads</h2>
 * Safe for any number of (virtual) threads. A lookup of a tracked key is a lock-free
 * {@link ConcurrentHashMap} read, then a short non-blocking section synchronised on that
 * key's bucket alone; there is no global lock on that path. A bucket is removed from the
 * map only while its monitor is held, and marked so that a thread that found it just
 * before removal looks the key up again instead of updating a forgotten bucket. Monitors
 * are held only for a few arithmetic steps, so pinning a virtual thread to its carrier
 * while holding one (as Java 21 does) costs nothing noticeable.
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
    private final int maxKeys;
    private final int sweepTarget;
    private final LongSupplier nanoTime;

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    /** Buckets in the map plus slots reserved for ones about to be added; never above maxKeys. */
    private final AtomicInteger slots = new AtomicInteger();
    private final ReentrantLock sweepLock = new ReentrantLock();

    /** A limiter tracking up to {@value #DEFAULT_MAX_KEYS} keys on {@link System#nanoTime()}. */
    public RateLimiter(RateLimit limit) {
        this(limit, DEFAULT_MAX_KEYS, System::nanoTime);
    }

    /**
     * @param limit    the rate every key gets
     * @param maxKeys  most buckets held at once, at least 1
     * @param nanoTime a monotonic clock in nanoseconds, as {@link System#nanoTime()}
     */
    public RateLimiter(RateLimit limit, int maxKeys, LongSupplier nanoTime) {
        Objects.requireNonNull(limit, "limit");
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys " + maxKeys + " is below 1");
        }
        this.permits = limit.permits();
        this.periodNanos = limit.period().toNanos();
        this.token = periodNanos / 1000;
        this.capacity = permits * token;
        this.maxKeys = maxKeys;
        // At least one slot must come free, or a sweep of a tiny limiter would free none.
        this.sweepTarget = Math.min(maxKeys - 1, (int) (maxKeys * 9L / 10));
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Spends one of the key's tokens if it has one. */
    public Decision tryAcquire(String key) {
        while (true) {
            Bucket bucket = bucketFor(key);
            synchronized (bucket) {
                if (bucket.evicted) {
                    continue;
                }
                touch(bucket);
                if (bucket.level >= token) {
                    bucket.level -= token;
                    bucket.tripped = false;
                    return ALLOWED;
                }
                return limited(bucket);
            }
        }
    }

    /** Forgets the key: its next request finds a full bucket. */
    public void reset(String key) {
        while (true) {
            Bucket bucket = buckets.get(key);
            if (bucket == null) {
                return;
            }
            synchronized (bucket) {
                if (bucket.evicted) {
                    continue;
                }
                evict(key, bucket);
                return;
            }
        }
    }

    /** Keys tracked now; at most {@code maxKeys}. */
    public int size() {
        return buckets.size();
    }

    private Bucket bucketFor(String key) {
        Bucket bucket = buckets.get(key);
        if (bucket != null) {
            return bucket;
        }
        reserveSlot();
        Bucket fresh = new Bucket(capacity, nanoTime.getAsLong());
        Bucket raced = buckets.putIfAbsent(key, fresh);
        if (raced != null) {
            slots.decrementAndGet();
            return raced;
        }
        return fresh;
    }

    private void reserveSlot() {
        while (true) {
            int used = slots.get();
            if (used < maxKeys) {
                if (slots.compareAndSet(used, used + 1)) {
                    return;
                }
                continue;
            }
            sweepLock.lock();
            try {
                // Another thread may have swept while this one waited for the lock.
                if (slots.get() >= maxKeys) {
                    sweep();
                }
            } finally {
                sweepLock.unlock();
            }
        }
    }

    private void sweep() {
        long now = nanoTime.getAsLong();
        for (Map.Entry<String, Bucket> entry : buckets.entrySet()) {
            Bucket bucket = entry.getValue();
            synchronized (bucket) {
                if (!bucket.evicted) {
                    refill(bucket, now);
                    if (bucket.level >= capacity) {
                        evict(entry.getKey(), bucket);
                    }
                }
            }
        }
        if (slots.get() <= sweepTarget) {
            return;
        }
        List<Candidate> candidates = new ArrayList<>(buckets.size());
        for (Map.Entry<String, Bucket> entry : buckets.entrySet()) {
            Bucket bucket = entry.getValue();
            synchronized (bucket) {
                if (!bucket.evicted) {
                    candidates.add(new Candidate(entry.getKey(), bucket, bucket.touches, now - bucket.touchedAt));
                }
            }
        }
        candidates.sort(Comparator.comparingLong(Candidate::idleNanos).reversed());
        for (Candidate candidate : candidates) {
            if (slots.get() <= sweepTarget) {
                return;
            }
            synchronized (candidate.bucket) {
                // Used since the snapshot: no longer among the least recent, so it stays.
                if (!candidate.bucket.evicted && candidate.bucket.touches == candidate.touches) {
                    evict(candidate.key, candidate.bucket);
                }
            }
        }
    }

    /** Caller holds the bucket's monitor and has checked it is not already evicted. */
    private void evict(String key, Bucket bucket) {
        bucket.evicted = true;
        buckets.remove(key, bucket);
        slots.decrementAndGet();
    }

    /** Brings the bucket up to now and marks it used; caller holds its monitor. */
    private void touch(Bucket bucket) {
        long now = nanoTime.getAsLong();
        refill(bucket, now);
        bucket.touchedAt = now;
        bucket.touches++;
    }

    private void refill(Bucket bucket, long now) {
        long elapsed = now - bucket.refilledAt;
        if (elapsed <= 0) {
            return; // clock has not moved, or another thread read it later and refilled first
        }
        if (elapsed >= periodNanos) {
            // A whole period refills any bucket; also keeps the product below from overflowing.
            bucket.level = capacity;
            bucket.refilledAt = now;
            return;
        }
        long micros = elapsed / 1000;
        bucket.level = Math.min(capacity, bucket.level + micros * permits);
        // Sub-microsecond remainders carry over to the next refill rather than being lost.
        bucket.refilledAt += micros * 1000;
    }

    private Decision limited(Bucket bucket) {
        long waitMicros = Math.ceilDiv(token - bucket.level, permits);
        // Ignoring the sub-microsecond part already elapsed can only round the wait up.
        long seconds = Math.max(1, Math.ceilDiv(waitMicros, 1_000_000L));
        boolean firstTrip = !bucket.tripped;
        bucket.tripped = true;
        return new Decision.Limited(Duration.ofSeconds(seconds), firstTrip);
    }

    private static final class Bucket {
        /** Tokens times {@code token}: 0 to {@code capacity}. */
        long level;
        long refilledAt;
        long touchedAt;
        /** Counts uses, so a sweep sees one made since its snapshot even on a clock that has not moved. */
        long touches;
        /** Refused since last allowed. */
        boolean tripped;
        /** Removed from the map; a thread holding it must look the key up again. */
        boolean evicted;

        Bucket(long level, long now) {
            this.level = level;
            this.refilledAt = now;
            this.touchedAt = now;
        }
    }

    private record Candidate(String key, Bucket bucket, long touches, long idleNanos) {
    }
}
