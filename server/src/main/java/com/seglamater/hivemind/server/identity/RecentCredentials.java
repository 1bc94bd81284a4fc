package com.seglamater.hivemind.server.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.seglamater.hivemind.server.db.Sql;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sessions and API tokens found recently, with their accounts, and the accounts the forward-auth
 * proxy names, so that an authenticated read costs no database round trip (issue 15). An entry is
 * served only while this process has written nothing since it was read ({@link Sql#writes()}):
 * signing out, revoking, disabling, a role or password change, any transaction at all, makes every
 * entry stale at once, and the next request reads the database again. Changes made outside this
 * process (SQL by hand) are seen within {@link #LIFETIME}. Unknown credentials are not remembered,
 * so every guess still asks the database (and meets the API's rate limit). Keys are the
 * credentials' SHA-256 (never the values), or an account's name in lower case.
 */
final class RecentCredentials<V> {

    /** How long an entry lives even while nothing is written. */
    static final Duration LIFETIME = Duration.ofSeconds(5);
    static final int CAPACITY = 10_000;

    private record Entry<V>(V value, long writes) {
    }

    private final Cache<String, Entry<V>> entries = Caffeine.newBuilder()
            .maximumSize(CAPACITY)
            .expireAfterWrite(LIFETIME)
            .build();

    /** The remembered value, or {@code load}'s, remembered when no write overlapped the read. */
    Optional<V> find(String key, Supplier<Optional<V>> load) {
        long writes = Sql.writes();
        Entry<V> known = entries.getIfPresent(key);
        if (known != null && known.writes() == writes) {
            return Optional.of(known.value());
        }
        Optional<V> loaded = load.get();
        if (loaded.isPresent() && Sql.writes() == writes) {
            entries.put(key, new Entry<>(loaded.get(), writes));
        } else if (known != null) {
            entries.invalidate(key);
        }
        return loaded;
    }

    void forget(String key) {
        entries.invalidate(key);
    }
}
