package com.seglamater.hivemind.server.identity;

import com.seglamater.hivemind.server.db.Sql;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Personal API tokens: {@value #PREFIX} and 43 random characters, shown once at creation and
 * stored as SHA-256. A token acts with its owner's current role, until it is revoked, expires
 * or its owner is disabled.
 */
public final class TokenStore {

    public static final String PREFIX = "hmt_";
    /** How much of a token lists show, so that its owner can tell tokens apart: the prefix and 8 characters. */
    static final int SHOWN_CHARACTERS = PREFIX.length() + 8;
    static final Duration TOUCH_RESOLUTION = Duration.ofMinutes(1);

    private static final String COLUMNS = "t.id AS token_id, t.user_id, t.name, t.prefix, t.created_at AS token_created, "
            + "t.expires_at, t.last_used_at, t.revoked_at";

    private final DbClient db;
    private final RecentCredentials<Active> recent = new RecentCredentials<>();
    private final SecureRandom random;

    public TokenStore(DbClient db, SecureRandom random) {
        this.db = db;
        this.random = random;
    }

    public record TokenInfo(long id, long userId, String name, String prefix, Instant createdAt,
                            Optional<Instant> expiresAt, Optional<Instant> lastUsedAt, Optional<Instant> revokedAt) {
        public boolean activeAt(Instant now) {
            return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
        }
    }

    /** A token just created: {@code token} is shown to its owner once and stored nowhere. */
    public record NewToken(String token, TokenInfo info) {
        @Override
        public String toString() {
            return "NewToken[" + info + "]";
        }
    }

    public record Active(TokenInfo token, User user) {
    }

    public static boolean looksLikeToken(String bearer) {
        return bearer.startsWith(PREFIX);
    }

    public NewToken create(DbExecute tx, long userId, String name, Optional<Instant> expiresAt, Instant now) {
        String token = Secrets.random(random, PREFIX);
        DbRow row = tx.get("INSERT INTO api_tokens AS t (token_hash, user_id, name, prefix, created_at, expires_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS,
                Secrets.sha256(token), userId, name, token.substring(0, SHOWN_CHARACTERS), Sql.at(now),
                expiresAt.map(Sql::at).orElse(null))
                .orElseThrow();
        return new NewToken(token, info(row));
    }

    /**
     * The live token and its owner for a presented bearer value; empty when unknown, revoked or
     * expired. Answered from {@link RecentCredentials} while nothing was written since it was read,
     * with the expiry checked again against {@code now}.
     */
    public Optional<Active> find(String token, Instant now) {
        byte[] hash = Secrets.sha256(token);
        String key = java.util.HexFormat.of().formatHex(hash);
        Optional<Active> active = recent.find(key, () -> load(hash, now));
        if (active.isPresent() && !active.get().token().activeAt(now)) {
            recent.forget(key);
            return Optional.empty();
        }
        return active;
    }

    private Optional<Active> load(byte[] hash, Instant now) {
        return db.execute().get("SELECT " + COLUMNS + ", " + UserStore.prefixedColumns("u")
                                + " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? "
                                + "AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)",
                        hash, Sql.at(now))
                .map(row -> new Active(info(row), UserStore.mapPrefixed(row)));
    }

    public boolean live(DbExecute tx, long tokenId, Instant now) {
        return tx.get("SELECT 1 AS one FROM api_tokens WHERE id = ? AND revoked_at IS NULL "
                + "AND (expires_at IS NULL OR expires_at > ?)", tokenId, Sql.at(now)).isPresent();
    }

    /** Records use, at most once a minute per token. */
    public void touch(TokenInfo token, Instant now) {
        if (token.lastUsedAt().isPresent() && token.lastUsedAt().get().plus(TOUCH_RESOLUTION).isAfter(now)) {
            return;
        }
        db.execute().dml("UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                Sql.at(now), token.id(), Sql.at(now.minus(TOUCH_RESOLUTION)));
        Sql.changed(); // the remembered tokens hold the old time

    }

    /** The user's tokens that are not revoked (expired ones included, so their owner sees them end), newest first. */
    public List<TokenInfo> list(long userId) {
        return db.execute().query("SELECT " + COLUMNS + " FROM api_tokens t WHERE t.user_id = ? AND t.revoked_at IS NULL "
                        + "ORDER BY t.created_at DESC, t.id DESC", userId)
                .map(TokenStore::info).toList();
    }

    public long countActive(DbExecute tx, long userId, Instant now) {
        return Sql.number(tx.get("SELECT count(*) AS n FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL "
                + "AND (expires_at IS NULL OR expires_at > ?)", userId, Sql.at(now)).orElseThrow(), "n");
    }

    /** Revokes one of the user's tokens; empty when it is not theirs, unknown or already revoked. */
    public Optional<TokenInfo> revoke(DbExecute tx, long userId, long tokenId, Instant now) {
        return tx.get("UPDATE api_tokens t SET revoked_at = ? WHERE t.id = ? AND t.user_id = ? AND t.revoked_at IS NULL "
                        + "RETURNING " + COLUMNS, Sql.at(now), tokenId, userId)
                .map(TokenStore::info);
    }

    /** Revokes every live token of the user (account disabled, or its password reset by an admin). */
    public long revokeAll(DbExecute tx, long userId, Instant now) {
        return tx.dml("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", Sql.at(now), userId);
    }

    private static TokenInfo info(DbRow row) {
        return new TokenInfo(Sql.number(row, "token_id"), Sql.number(row, "user_id"), Sql.string(row, "name"),
                Sql.string(row, "prefix"), Sql.instant(row, "token_created"), Sql.optionalInstant(row, "expires_at"),
                Sql.optionalInstant(row, "last_used_at"), Sql.optionalInstant(row, "revoked_at"));
    }
}
