package com.seglamater.hivemind.server.identity;

import com.seglamater.hivemind.server.db.Sql;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Server-side sessions in PostgreSQL. The browser holds a random token; the table holds its
 * SHA-256. A session ends when unused for the idle timeout or at its absolute expiry,
 * whichever comes first, and when it is signed out or revoked.
 */
public final class SessionStore {

    /** last_seen_at is written at most this often per session (so idle expiry is this precise). */
    static final Duration TOUCH_RESOLUTION = Duration.ofMinutes(1);
    static final String TOKEN_PREFIX = "hms_";

    private static final String COLUMNS = "s.id AS session_id, s.user_id, s.csrf_token, s.created_at AS session_created, "
            + "s.last_seen_at AS session_seen, s.expires_at, s.client_ip, s.user_agent, s.origin";

    private final DbClient db;
    private final SecureRandom random;
    private final Duration idleTimeout;
    private final Duration maxAge;
    private final RecentCredentials<Active> recent = new RecentCredentials<>();

    public SessionStore(DbClient db, SecureRandom random, Duration idleTimeout, Duration maxAge) {
        this.db = db;
        this.random = random;
        this.idleTimeout = idleTimeout;
        this.maxAge = maxAge;
    }

    /** How a session began: a password sign-in, or the forward-auth proxy's identity headers. */
    public enum Origin {
        PASSWORD, FORWARD_AUTH;

        /** The name in the database and the API: {@code password}, {@code forward_auth}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Origin parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    public record StoredSession(long id, long userId, String csrfToken, Instant createdAt, Instant lastSeenAt,
                                Instant expiresAt, String clientIp, String userAgent, Origin origin) {
        @Override
        public String toString() {
            return "StoredSession[id=" + id + ", userId=" + userId + "]";
        }
    }

    /** A session just created: {@code token} goes into the cookie and nowhere else. */
    public record NewSession(String token, StoredSession session) {
        @Override
        public String toString() {
            return "NewSession[" + session + "]";
        }
    }

    public record Active(StoredSession session, User user) {
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration maxAge() {
        return maxAge;
    }

    public NewSession create(DbExecute tx, long userId, String clientIp, String userAgent, Origin origin, Instant now) {
        String token = Secrets.random(random, TOKEN_PREFIX);
        DbRow row = tx.get("INSERT INTO sessions AS s (token_hash, user_id, csrf_token, created_at, last_seen_at, "
                        + "expires_at, client_ip, user_agent, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "
                        + COLUMNS,
                Secrets.sha256(token), userId, Secrets.random(random, ""), Sql.at(now), Sql.at(now),
                Sql.at(now.plus(maxAge)), clientIp, userAgent, origin.text()).orElseThrow();
        return new NewSession(token, session(row));
    }

    /**
     * The live session for a cookie's token, with its account; empty when unknown or ended.
     * Answered from {@link RecentCredentials} while nothing was written since it was read, with the
     * expiry checks made again against {@code now}.
     */
    public Optional<Active> find(String token, Instant now) {
        byte[] hash = Secrets.sha256(token);
        String key = java.util.HexFormat.of().formatHex(hash);
        Optional<Active> active = recent.find(key, () -> load(hash, now));
        if (active.isPresent() && !live(active.get().session(), now)) {
            recent.forget(key);
            return Optional.empty();
        }
        return active;
    }

    private boolean live(StoredSession session, Instant now) {
        return session.expiresAt().isAfter(now) && session.lastSeenAt().isAfter(now.minus(idleTimeout));
    }

    private Optional<Active> load(byte[] hash, Instant now) {
        return db.execute().get("SELECT " + COLUMNS + ", " + userColumns() + " FROM sessions s JOIN users u ON u.id = s.user_id "
                                + "WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ?",
                        hash, Sql.at(now), Sql.at(now.minus(idleTimeout)))
                .map(row -> new Active(session(row), UserStore.mapPrefixed(row)));
    }

    /** Keeps an active session alive; writes only when the stored time is a minute old or more. */
    public void touch(StoredSession session, Instant now) {
        if (session.lastSeenAt().plus(TOUCH_RESOLUTION).isAfter(now)) {
            return;
        }
        db.execute().dml("UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
                Sql.at(now), session.id(), Sql.at(now.minus(TOUCH_RESOLUTION)));
        Sql.changed(); // the remembered sessions hold the old time

    }

    /** The user's live sessions, newest first. */
    public List<StoredSession> list(long userId, Instant now) {
        return db.execute().query("SELECT " + COLUMNS + " FROM sessions s WHERE s.user_id = ? AND s.expires_at > ? "
                                + "AND s.last_seen_at > ? ORDER BY s.created_at DESC, s.id DESC",
                        userId, Sql.at(now), Sql.at(now.minus(idleTimeout)))
                .map(SessionStore::session).toList();
    }

    public boolean exists(DbExecute tx, long sessionId) {
        return tx.get("SELECT 1 AS one FROM sessions WHERE id = ?", sessionId).isPresent();
    }

    /** Ends one of the user's sessions; false when it is not theirs or does not exist. */
    public boolean delete(DbExecute tx, long userId, long sessionId) {
        return tx.dml("DELETE FROM sessions WHERE id = ? AND user_id = ?", sessionId, userId) > 0;
    }

    public long deleteAll(DbExecute tx, long userId) {
        return tx.dml("DELETE FROM sessions WHERE user_id = ?", userId);
    }

    public long deleteAllExcept(DbExecute tx, long userId, long keepSessionId) {
        return tx.dml("DELETE FROM sessions WHERE user_id = ? AND id <> ?", userId, keepSessionId);
    }

    /** Removes ended sessions; they are already refused, this only keeps the table small. */
    public long purgeEnded(Instant now) {
        return db.execute().dml("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?",
                Sql.at(now), Sql.at(now.minus(idleTimeout)));
    }

    private static String userColumns() {
        return UserStore.prefixedColumns("u");
    }

    private static StoredSession session(DbRow row) {
        return new StoredSession(Sql.number(row, "session_id"), Sql.number(row, "user_id"),
                Sql.string(row, "csrf_token"), Sql.instant(row, "session_created"), Sql.instant(row, "session_seen"),
                Sql.instant(row, "expires_at"), Sql.string(row, "client_ip"), Sql.string(row, "user_agent"),
                Origin.parse(Sql.string(row, "origin")));
    }
}
