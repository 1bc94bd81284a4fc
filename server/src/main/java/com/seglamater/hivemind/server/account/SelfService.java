package com.seglamater.hivemind.server.account;

import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.auth.LiveCredential;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.auth.SessionCookies;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.identity.SessionStore;
import com.seglamater.hivemind.server.identity.TokenStore;
import com.seglamater.hivemind.server.identity.UserStore;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.dbclient.DbClient;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The signed-in account's own sessions and API tokens: what the API ({@link AccountService})
 * and the account page ({@link AccountPages}) both do, with the same checks and audit entries.
 * Any role may; the admin API key has none ({@code not_an_account}). Refusals are
 * {@link ApiException}s.
 */
public final class SelfService {

    /** Enough for every script and device a person has; more is usually tokens never revoked. */
    static final int MAX_TOKENS_PER_ACCOUNT = 50;
    static final int MAX_TOKEN_NAME = 100;
    static final int MAX_TOKEN_DAYS = 3650;

    private final DbClient db;
    private final SessionStore sessions;
    private final TokenStore tokens;
    private final UserStore users;
    private final AuditLog audit;
    private final Clock clock;

    public SelfService(DbClient db, SessionStore sessions, TokenStore tokens, UserStore users, AuditLog audit, Clock clock) {
        this.db = db;
        this.sessions = sessions;
        this.tokens = tokens;
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /** {@code origin}: {@code password} or {@code forward_auth}, how the session began. */
    public record SessionView(long id, Instant createdAt, Instant lastSeenAt, Instant expiresAt, String clientIp,
                              String userAgent, String origin, boolean current) {
    }

    public record TokenView(long id, String name, String prefix, Instant createdAt, Optional<Instant> expiresAt,
                            Optional<Instant> lastUsedAt, boolean expired) {
        static TokenView of(TokenStore.TokenInfo info, Instant now) {
            return new TokenView(info.id(), info.name(), info.prefix(), info.createdAt(), info.expiresAt(),
                    info.lastUsedAt(), !info.activeAt(now));
        }
    }

    /** A token just made: the only time its value is shown. */
    public record CreatedToken(String token, TokenView info) {
        @Override
        public String toString() {
            return "CreatedToken[" + info + "]";
        }
    }

    /** A token's name and lifetime as asked for, checked. */
    static void checkNewToken(String name, Optional<Integer> expiresInDays) {
        if (name == null || name.isBlank()) {
            throw ApiException.invalidField("name", "is required (say what the token is for)");
        }
        if (name.length() > MAX_TOKEN_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalidField("name", "must be at most " + MAX_TOKEN_NAME + " printable characters");
        }
        if (expiresInDays.isPresent() && (expiresInDays.get() < 1 || expiresInDays.get() > MAX_TOKEN_DAYS)) {
            throw ApiException.invalidField("expiresInDays", "must be from 1 to " + MAX_TOKEN_DAYS + " (or absent: no expiry)");
        }
    }

    List<SessionView> sessions(Principal.Account account) {
        Optional<Long> current = currentSession(account);
        Duration idle = sessions.idleTimeout();
        return sessions.list(account.user().id(), clock.instant()).stream()
                .map(s -> new SessionView(s.id(), s.createdAt(), s.lastSeenAt(),
                        min(s.expiresAt(), s.lastSeenAt().plus(idle)), s.clientIp(), s.userAgent(), s.origin().text(),
                        current.map(id -> id == s.id()).orElse(false)))
                .toList();
    }

    /** "Sign out everywhere": every session of the account ends, this one included (its cookies cleared). */
    long endAllSessions(ServerRequest req, ServerResponse res) {
        RequestInfo info = RequestInfo.of(req);
        Principal.Account account = Access.account(req);
        long ended = Sql.inTransaction(db, tx -> {
            long n = sessions.deleteAll(tx, account.user().id());
            audit.record(tx, AuditEvent.of(info, account.name(), "auth.sign_out_everywhere", AuditEvent.Outcome.SUCCESS)
                    .target(account.name()).detail("sessionsEnded", n));
            return n;
        });
        if (currentSession(account).isPresent()) {
            SessionCookies.clear(res, info.https());
        }
        return ended;
    }

    /** Ends one of the account's sessions; true when it was the request's own (its cookies are cleared). 404 if none. */
    boolean endSession(ServerRequest req, ServerResponse res, long id) {
        RequestInfo info = RequestInfo.of(req);
        Principal.Account account = Access.account(req);
        boolean ended = Sql.inTransaction(db, tx -> {
            boolean deleted = sessions.delete(tx, account.user().id(), id);
            if (deleted) {
                audit.record(tx, AuditEvent.of(info, account.name(), "session.revoked", AuditEvent.Outcome.SUCCESS)
                        .target(account.name()).detail("session", id));
            }
            return deleted;
        });
        if (!ended) {
            throw ApiException.notFound("no such session: " + id);
        }
        boolean own = currentSession(account).map(current -> current == id).orElse(false);
        if (own) {
            SessionCookies.clear(res, info.https());
        }
        return own;
    }

    List<TokenView> tokens(Principal.Account account) {
        Instant now = clock.instant();
        return tokens.list(account.user().id()).stream().map(t -> TokenView.of(t, now)).toList();
    }

    CreatedToken createToken(ServerRequest req, String name, Optional<Integer> expiresInDays) {
        RequestInfo info = RequestInfo.of(req);
        Principal.Account account = Access.account(req);
        checkNewToken(name, expiresInDays);
        Instant now = clock.instant();
        Optional<Instant> expiresAt = expiresInDays.map(days -> now.plus(Duration.ofDays(days)));
        TokenStore.NewToken created = Sql.inTransaction(db, tx -> {
            // The account's row, locked: concurrent creations count one after the other, and a
            // disable or password reset that committed since this request was authenticated wins.
            if (!users.lockEnabled(tx, account.user().id())
                    || !LiveCredential.stillValid(tx, account, sessions, tokens, now)) {
                throw ApiException.unauthenticated("your session or token ended while this request ran; sign in again");
            }
            if (tokens.countActive(tx, account.user().id(), now) >= MAX_TOKENS_PER_ACCOUNT) {
                throw ApiException.conflict("too_many_tokens", "an account may have at most " + MAX_TOKENS_PER_ACCOUNT
                        + " active API tokens; revoke some first");
            }
            TokenStore.NewToken token = tokens.create(tx, account.user().id(), name.strip(), expiresAt, now);
            audit.record(tx, AuditEvent.of(info, account.name(), "token.created", AuditEvent.Outcome.SUCCESS)
                    .target(account.name()).detail("token", token.info().id()).detail("name", token.info().name())
                    .detail("expiresAt", expiresAt.map(Instant::toString).orElse("never")));
            return token;
        });
        return new CreatedToken(created.token(), TokenView.of(created.info(), now));
    }

    /** Revokes one of the account's tokens; its name. 404 if it has none of that id. */
    String revokeToken(ServerRequest req, long id) {
        RequestInfo info = RequestInfo.of(req);
        Principal.Account account = Access.account(req);
        Optional<TokenStore.TokenInfo> revoked = Sql.inTransaction(db, tx -> {
            Optional<TokenStore.TokenInfo> token = tokens.revoke(tx, account.user().id(), id, clock.instant());
            token.ifPresent(t -> audit.record(tx, AuditEvent.of(info, account.name(), "token.revoked",
                    AuditEvent.Outcome.SUCCESS).target(account.name()).detail("token", id).detail("name", t.name())));
            return token;
        });
        return revoked.orElseThrow(() -> ApiException.notFound("no such token: " + id)).name();
    }

    static Optional<Long> currentSession(Principal.Account account) {
        return account.credential() instanceof Principal.Session s ? Optional.of(s.id()) : Optional.empty();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
