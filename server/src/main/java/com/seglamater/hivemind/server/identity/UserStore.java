package com.seglamater.hivemind.server.identity;

import com.seglamater.hivemind.server.db.Sql;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code users} table. Usernames are matched without regard to case (the unique index
 * is on {@code lower(username)}); the stored spelling is the one given at creation.
 */
public final class UserStore {

    /** last_seen_at is written at most this often per user: reads must not turn into writes. */
    public static final Duration LAST_SEEN_RESOLUTION = Duration.ofMinutes(1);

    static final String COLUMNS = "id, username, email, display_name, role, source, disabled, created_at, updated_at, "
            + "last_seen_at";

    private static final String JOIN_PREFIX = "u_";

    private final DbClient db;
    private final RecentCredentials<User> recent = new RecentCredentials<>();

    public UserStore(DbClient db) {
        this.db = db;
    }

    /** A new account's fields, already validated. */
    public record NewUser(String username, Optional<String> email, Optional<String> displayName, Role role,
                          User.Source source, Optional<String> passwordHash) {
    }

    /** Thrown by {@link #create} when the name is in use (in any spelling of its case). */
    public static final class UsernameTakenException extends RuntimeException {
        public UsernameTakenException(String username) {
            super("username '" + username + "' is taken", null, false, false);
        }
    }

    /** What sign-in needs: the account and its password hash, if it has one. */
    public record Credentials(User user, Optional<String> passwordHash) {
    }

    /** One page of a search, with the number of all matches. */
    public record Page(List<User> users, long total) {
    }

    /** Inside a caller's transaction, so that the audit entry and the account commit together. */
    public User create(DbExecute tx, NewUser user, Instant now) {
        try {
            DbRow row = tx.get("INSERT INTO users (username, email, display_name, role, source, password_hash, "
                            + "created_at, updated_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            + "RETURNING " + COLUMNS,
                    user.username(), user.email().orElse(null), user.displayName().orElse(null), user.role().text(),
                    user.source().text(), user.passwordHash().orElse(null), Sql.at(now), Sql.at(now),
                    user.passwordHash().isPresent() ? Sql.at(now) : null).orElseThrow();
            return map(row);
        } catch (RuntimeException e) {
            if (Sql.uniqueViolation(e)) {
                throw new UsernameTakenException(user.username());
            }
            throw e;
        }
    }

    public Optional<User> find(String username) {
        return db.execute().get("SELECT " + COLUMNS + " FROM users WHERE lower(username) = ?", lower(username))
                .map(UserStore::map);
    }

    /**
     * As {@link #find}, answered from {@link RecentCredentials} while this process has written
     * nothing since it was read: for the forward-auth proxy's every request, which names its user
     * by name. Never for a decision inside a transaction (lock the row there).
     */
    public Optional<User> findRecent(String username) {
        String key = lower(username);
        return recent.find(key, () -> find(username));
    }

    public Optional<Credentials> credentials(String username) {
        return db.execute().get("SELECT " + COLUMNS + ", password_hash FROM users WHERE lower(username) = ?",
                        lower(username))
                .map(row -> new Credentials(map(row), Sql.optionalString(row, "password_hash")));
    }

    public Optional<String> passwordHash(long userId) {
        return db.execute().get("SELECT password_hash FROM users WHERE id = ?", userId)
                .flatMap(row -> Sql.optionalString(row, "password_hash"));
    }

    public void setPassword(DbExecute tx, long userId, String hash, Instant now) {
        tx.dml("UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?",
                hash, Sql.at(now), Sql.at(now), userId);
    }

    /**
     * Locks the account's row for the rest of {@code tx} and says whether it is still enabled
     * with {@code passwordHash}: what a sign-in checked is still what holds.
     */
    public boolean unchanged(DbExecute tx, long userId, String passwordHash) {
        return tx.get("SELECT password_hash, disabled FROM users WHERE id = ? FOR UPDATE", userId)
                .map(row -> passwordHash.equals(Sql.optionalString(row, "password_hash").orElse(null))
                        && !row.column("disabled").get(Boolean.class))
                .orElse(false);
    }

    /** Replaces a hash made with weaker parameters (the row is locked by {@link #unchanged}). */
    public void rehash(DbExecute tx, long userId, String newHash) {
        tx.dml("UPDATE users SET password_hash = ? WHERE id = ?", newHash, userId);
    }

    /**
     * Locks the account's row for the rest of {@code tx} and says whether it is enabled: changes
     * made on its behalf (a new API token) then cannot race a disable or a password reset.
     */
    public boolean lockEnabled(DbExecute tx, long userId) {
        return tx.get("SELECT disabled FROM users WHERE id = ? FOR UPDATE", userId)
                .map(row -> !row.column("disabled").get(Boolean.class))
                .orElse(false);
    }

    /** Records activity, writing only when the stored time is older than {@link #LAST_SEEN_RESOLUTION}. */
    public void touch(User user, Instant now) {
        if (user.lastSeenAt().isPresent() && user.lastSeenAt().get().plus(LAST_SEEN_RESOLUTION).isAfter(now)) {
            return;
        }
        db.execute().dml("UPDATE users SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)",
                Sql.at(now), user.id(), Sql.at(now.minus(LAST_SEEN_RESOLUTION)));
        Sql.changed(); // the remembered sessions and tokens hold the old time

    }

    /**
     * Searches username, email and display name for {@code query} as a plain substring (LIKE
     * wildcards in it are escaped, so {@code %} matches a percent sign), optionally by role
     * and disabled flag; ordered by username.
     */
    public Page search(Optional<String> query, Optional<Role> role, Optional<Boolean> disabled, int limit, int offset) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        query.ifPresent(q -> {
            String pattern = "%" + Sql.likeEscape(q.toLowerCase(Locale.ROOT)) + "%";
            where.append(" AND (lower(username) LIKE ? ESCAPE '\\' OR lower(coalesce(email, '')) LIKE ? ESCAPE '\\'"
                    + " OR lower(coalesce(display_name, '')) LIKE ? ESCAPE '\\')");
            params.add(pattern);
            params.add(pattern);
            params.add(pattern);
        });
        role.ifPresent(r -> {
            where.append(" AND role = ?");
            params.add(r.text());
        });
        disabled.ifPresent(d -> {
            where.append(" AND disabled = ?");
            params.add(d);
        });
        long total = Sql.number(db.execute().createGet("SELECT count(*) AS n FROM users" + where).params(params)
                .execute().orElseThrow(), "n");
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(limit);
        pageParams.add(offset);
        List<User> users = db.execute()
                .createQuery("SELECT " + COLUMNS + " FROM users" + where + " ORDER BY lower(username) LIMIT ? OFFSET ?")
                .params(pageParams).execute().map(UserStore::map).toList();
        return new Page(users, total);
    }

    /** Locks the row for the rest of {@code tx}: changes to one account are serialised. */
    public Optional<User> lock(DbExecute tx, String username) {
        return tx.get("SELECT " + COLUMNS + " FROM users WHERE lower(username) = ? FOR UPDATE", lower(username))
                .map(UserStore::map);
    }

    /**
     * The enabled admins, with their rows locked for the rest of {@code tx}, so that two
     * concurrent demotions cannot both see "another admin is left".
     */
    public List<Long> lockEnabledAdmins(DbExecute tx) {
        return tx.query("SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE")
                .map(row -> Sql.number(row, "id")).toList();
    }

    public User update(DbExecute tx, User changed, Instant now) {
        return tx.get("UPDATE users SET email = ?, display_name = ?, role = ?, disabled = ?, updated_at = ? "
                                + "WHERE id = ? RETURNING " + COLUMNS,
                        changed.email().orElse(null), changed.displayName().orElse(null), changed.role().text(),
                        changed.disabled(), Sql.at(now), changed.id())
                .map(UserStore::map).orElseThrow();
    }

    /**
     * Makes a local account an SSO one, the first time the forward-auth proxy names it. Its
     * password hash goes: the identity provider owns the account from now on.
     */
    public User linkToSso(DbExecute tx, long userId, Instant now) {
        return tx.get("UPDATE users SET source = 'sso', password_hash = NULL, password_changed_at = NULL, "
                                + "updated_at = ? WHERE id = ? RETURNING " + COLUMNS, Sql.at(now), userId)
                .map(UserStore::map).orElseThrow();
    }

    /** Makes an account local or SSO (its password is set separately). */
    public User setSource(DbExecute tx, long userId, User.Source source, Instant now) {
        return tx.get("UPDATE users SET source = ?, updated_at = ? WHERE id = ? RETURNING " + COLUMNS,
                        source.text(), Sql.at(now), userId)
                .map(UserStore::map).orElseThrow();
    }

    /** Whether the account has a session or an unrevoked API token. */
    public boolean hasCredentials(long userId) {
        return db.execute().get("SELECT (EXISTS (SELECT 1 FROM sessions WHERE user_id = ?) OR EXISTS (SELECT 1 FROM "
                        + "api_tokens WHERE user_id = ? AND revoked_at IS NULL)) AS live", userId, userId)
                .map(row -> row.column("live").get(Boolean.class)).orElse(false);
    }

    private static String lower(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    static User map(DbRow row) {
        return map(row, "");
    }

    /**
     * The columns for a join, as {@code u_id, u_username, …} so that they cannot clash with
     * the other table's; read them back with {@link #mapPrefixed(DbRow)}.
     */
    public static String prefixedColumns(String alias) {
        StringBuilder out = new StringBuilder();
        for (String column : COLUMNS.split(", ")) {
            out.append(out.isEmpty() ? "" : ", ").append(alias).append('.').append(column)
                    .append(" AS ").append(JOIN_PREFIX).append(column);
        }
        return out.toString();
    }

    public static User mapPrefixed(DbRow row) {
        return map(row, JOIN_PREFIX);
    }

    private static User map(DbRow row, String p) {
        return new User(Sql.number(row, p + "id"), Sql.string(row, p + "username"), Sql.optionalString(row, p + "email"),
                Sql.optionalString(row, p + "display_name"), Role.parse(Sql.string(row, p + "role")).orElseThrow(),
                User.Source.parse(Sql.string(row, p + "source")), row.column(p + "disabled").get(Boolean.class),
                Sql.instant(row, p + "created_at"), Sql.instant(row, p + "updated_at"),
                Sql.optionalInstant(row, p + "last_seen_at"));
    }
}
