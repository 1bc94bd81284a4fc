package com.seglamater.hivemind.server.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.Optional;

/**
 * A token just created on the account page, kept in memory for the page that the form's 303
 * opens, which shows it once and forgets it. Keyed by the session that made it, so no other
 * browser can see it; never in a cookie or a URL, where it would be stored or logged. Gone
 * after {@link #KEPT} (or a restart), when the page no longer shows it: the user revokes it
 * and makes another.
 */
final class NewTokens {

    static final Duration KEPT = Duration.ofMinutes(5);

    private final Cache<Long, SelfService.CreatedToken> bySession = Caffeine.newBuilder()
            .expireAfterWrite(KEPT).maximumSize(10_000).executor(Runnable::run).build();

    void keep(long sessionId, SelfService.CreatedToken token) {
        bySession.put(sessionId, token);
    }

    /** The token made in this session, once. */
    Optional<SelfService.CreatedToken> take(long sessionId) {
        return Optional.ofNullable(bySession.asMap().remove(sessionId));
    }
}
