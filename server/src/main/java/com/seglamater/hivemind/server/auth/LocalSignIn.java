package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.identity.Accounts;
import com.seglamater.hivemind.server.identity.Actor;
import com.seglamater.hivemind.server.identity.PasswordHasher;
import com.seglamater.hivemind.server.identity.SessionStore;
import com.seglamater.hivemind.server.identity.TokenStore;
import com.seglamater.hivemind.server.identity.User;
import com.seglamater.hivemind.server.identity.UserFields;
import com.seglamater.hivemind.server.identity.UserStore;
import com.seglamater.hivemind.server.ratelimit.RateLimiter;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Local password sign-in, sign-out and password change: the one path that the JSON API
 * ({@link SignInService}) and the pages' forms both take. With forward auth on, password sign-in
 * and password changes are refused ({@code local_sign_in_disabled}, pointing to the SSO login
 * URL), and sign-out names the proxy's logout URL when one is configured.
 * <p>
 * Sign-in never tells which part was wrong to someone who does not know the password: an
 * unknown user, an account without a password and a wrong password all get the same 401, and
 * each costs one Argon2id computation (a dummy one when there is no hash to check), so neither
 * the message nor the timing reveals whether an account exists. Only the right password of a
 * disabled account learns that the account is disabled (403 {@code account_disabled}): whoever
 * knows it is its owner, who needs to know why the door stays shut, and it reveals nothing to
 * anyone else. Attempts are limited per client IP and per account name (existing or not, for the
 * same reason), the latter counted before the password is checked and refilled by a success; both
 * limits answer 429.
 * <p>
 * A successful sign-in from a browser that holds another live session ends that session
 * ({@code auth.session_ended}, reason {@code signed_in_again}): its cookie is replaced, and a
 * session nobody holds any more would otherwise stay valid until it expires.
 */
public final class LocalSignIn {

    static final String INVALID = "the username or password is wrong";
    static final String DISABLED = "this account is disabled; an administrator can enable it again";

    private final Accounts accounts;
    private final DbClient db;
    private final UserStore users;
    private final SessionStore sessions;
    private final TokenStore tokens;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Optional<RateLimiter> perIp;
    private final Optional<RateLimiter> perAccount;
    private final Clock clock;
    private final SignInMethods methods;

    public LocalSignIn(Accounts accounts, DbClient db, UserStore users, SessionStore sessions, TokenStore tokens,
                       PasswordHasher hasher, AuditLog audit, Optional<RateLimiter> perIp,
                       Optional<RateLimiter> perAccount, Clock clock, SignInMethods methods) {
        this.accounts = accounts;
        this.db = db;
        this.users = users;
        this.sessions = sessions;
        this.tokens = tokens;
        this.hasher = hasher;
        this.audit = audit;
        this.perIp = perIp;
        this.perAccount = perAccount;
        this.clock = clock;
        this.methods = methods;
    }

    public SignInMethods methods() {
        return methods;
    }

    /** A sign-in that succeeded: the account and the new session, whose cookies are set on the response. */
    public record SignedIn(User user, SessionStore.NewSession session) {
        /** The principal the new session stands for. */
        public Principal.Account principal() {
            return new Principal.Account(user, new Principal.Session(session.session().id(),
                    session.session().csrfToken(), session.session().expiresAt()));
        }
    }

    /**
     * Checks the password (rate limits first), makes the session, audits it, and sets the session's
     * cookies on {@code res}. Refusals are {@link ApiException}s: 429 {@code rate_limited}, 403
     * {@code local_sign_in_disabled}, 401 {@code invalid_credentials}, 403 {@code account_disabled}.
     * {@code username} and {@code password} are non-empty (the caller says which is missing).
     */
    public SignedIn signIn(ServerRequest req, ServerResponse res, String username, String password) {
        RequestInfo info = RequestInfo.of(req);
        perIp.ifPresent(l -> RateLimitGuard.enforce(l, "sign-in:" + info.clientKey(), info, audit, "sign-in"));
        if (methods.forwardAuth()) {
            audit.record(AuditEvent.of(info, AuditEvent.ANONYMOUS, "auth.sign_in", AuditEvent.Outcome.FAILURE)
                    .detail("reason", "local_sign_in_disabled"));
            throw localSignInDisabled(Status.FORBIDDEN_403, "password sign-in is disabled:");
        }
        String accountKey = accountKey(username);
        // Spent before the password is checked, so that attempts in flight together cannot all
        // slip under the limit; a success gives the account its full allowance back.
        perAccount.ifPresent(l -> RateLimitGuard.enforce(l, accountKey, info, audit, "sign-in per account"));

        Optional<UserStore.Credentials> found = UserFields.usernameProblem(username).isEmpty()
                ? users.credentials(username) : Optional.empty();
        Optional<String> failure = check(found, password);
        if (failure.isPresent()) {
            throw refused(info, username, failure.get());
        }
        User user = found.get().user();
        String hash = found.get().passwordHash().orElseThrow();
        Optional<String> upgraded = hasher.needsRehash(hash) ? Optional.of(hasher.hash(password)) : Optional.empty();
        Instant now = clock.instant();
        Optional<Principal.Account> previous = heldSession(req);
        Optional<SessionStore.NewSession> session = Sql.inTransaction(db, tx -> {
            // The check above took an Argon2id computation's time: an admin may have reset the
            // password or disabled the account meanwhile. Decide on the row as it is now, locked.
            if (!users.unchanged(tx, user.id(), hash)) {
                return Optional.empty();
            }
            upgraded.ifPresent(newHash -> users.rehash(tx, user.id(), newHash));
            SessionStore.NewSession created = sessions.create(tx, user.id(), info.ip(), info.userAgent(),
                    SessionStore.Origin.PASSWORD, now);
            audit.record(tx, AuditEvent.of(info, user.username(), "auth.sign_in", AuditEvent.Outcome.SUCCESS)
                    .target(user.username()).detail("session", created.session().id()));
            previous.ifPresent(held -> endReplaced(tx, info, held, created));
            return Optional.of(created);
        });
        if (session.isEmpty()) {
            throw refused(info, username, "changed_during_sign_in");
        }
        perAccount.ifPresent(l -> l.reset(accountKey));
        users.touch(user, now);
        SessionCookies.set(res, session.get(), info.https());
        return new SignedIn(user, session.get());
    }

    /**
     * Ends the request's session (audited) and clears the cookies on {@code res}. Signing out without
     * a session is no error: the result (no session) is what was asked. Returns the proxy's logout
     * URL, where the browser goes next, when forward auth has one: its own session is still live.
     * An API token or the API key is no session: 400 {@code not_a_session}.
     */
    public Optional<URI> signOut(ServerRequest req, ServerResponse res) {
        RequestInfo info = RequestInfo.of(req);
        if (Authentication.of(req) instanceof Authentication.Authenticated a) {
            if (!(a.principal() instanceof Principal.Account account)) {
                throw ApiException.badRequest("not_a_session", "the admin API key is not a session: there is nothing to sign out");
            }
            if (account.credential() instanceof Principal.Token) {
                throw ApiException.badRequest("not_a_session",
                        "an API token is not a session: revoke it with DELETE /api/v1/tokens/{id}");
            }
            // Through the forward-auth proxy without a session there is none to end, only cookies to clear.
            if (account.credential() instanceof Principal.Session session) {
                Sql.inTransaction(db, tx -> {
                    sessions.delete(tx, account.user().id(), session.id());
                    audit.record(tx, AuditEvent.of(info, account.name(), "auth.sign_out", AuditEvent.Outcome.SUCCESS)
                            .target(account.name()).detail("session", session.id()));
                    return null;
                });
            }
        }
        SessionCookies.clear(res, info.https());
        return methods.forwardAuth() ? methods.logoutUrl() : Optional.empty();
    }

    /**
     * Needs the current password even with a live session (a borrowed browser must not be
     * enough to take the account over); attempts count against the account's sign-in limit,
     * and a success refills it. Other sessions end; this one and the account's API tokens stay.
     * Refusals: 409 {@code local_sign_in_disabled} or {@code no_local_password}, 403
     * {@code wrong_password}, 429, the password policy's 400, 401 when the account changed meanwhile.
     */
    public void changePassword(ServerRequest req, String currentPassword, String newPassword) {
        RequestInfo info = RequestInfo.of(req);
        Principal.Account account = Access.account(req);
        if (methods.forwardAuth()) {
            throw localSignInDisabled(Status.CONFLICT_409, "there is no password to change:");
        }
        String accountKey = accountKey(account.user().username());
        perAccount.ifPresent(l -> RateLimitGuard.enforce(l, accountKey, info, audit, "sign-in per account"));
        Optional<String> hash = users.passwordHash(account.user().id());
        if (hash.isEmpty()) {
            throw ApiException.conflict("no_local_password",
                    "this account signs in through SSO and has no password here to change");
        }
        if (!hasher.verify(currentPassword, hash.get())) {
            audit.record(AuditEvent.of(info, account.name(), "auth.password_changed", AuditEvent.Outcome.FAILURE)
                    .target(account.name()).detail("reason", "wrong_current_password"));
            throw ApiException.forbidden("wrong_password", "the current password is wrong");
        }
        Optional<Long> keep = account.credential() instanceof Principal.Session s ? Optional.of(s.id()) : Optional.empty();
        boolean changed = AccountErrors.call(() -> accounts.changeOwnPassword(Actor.of(info, account.name()),
                account.user(), hash.get(), newPassword, keep,
                // As at sign-in: an admin's reset or disable that committed during the checks wins.
                tx -> LiveCredential.stillValid(tx, account, sessions, tokens, clock.instant())));
        if (!changed) {
            throw ApiException.unauthenticated("your account changed while the password was being checked; sign in again");
        }
        perAccount.ifPresent(l -> l.reset(accountKey));
    }

    /** The refusal of a password while forward auth is on, pointing to the SSO entry point. */
    ApiException localSignInDisabled(Status status, String what) {
        ApiException e = new ApiException(status, "local_sign_in_disabled", what + " this server uses single sign-on "
                + "through its reverse proxy (HIVEMIND_FORWARD_AUTH), so local passwords are not used"
                + methods.loginUrl().map(url -> "; sign in at " + url).orElse("; open Hivemind through the proxy to sign in"));
        return methods.loginUrl().map(url -> e.with("loginUrl", url.toString())).orElse(e);
    }

    /** The live session this request came with (its CSRF token checked by the gate), if any. */
    private static Optional<Principal.Account> heldSession(ServerRequest req) {
        return Authentication.of(req) instanceof Authentication.Authenticated a
                && a.principal() instanceof Principal.Account account
                && account.credential() instanceof Principal.Session ? Optional.of(account) : Optional.empty();
    }

    /** The browser's previous session, whoever's it was, ends with the sign-in that replaces its cookie. */
    private void endReplaced(DbExecute tx, RequestInfo info, Principal.Account held, SessionStore.NewSession created) {
        long sessionId = ((Principal.Session) held.credential()).id();
        if (sessions.delete(tx, held.user().id(), sessionId)) {
            audit.record(tx, AuditEvent.of(info, held.user().username(), "auth.session_ended", AuditEvent.Outcome.SUCCESS)
                    .target(held.user().username()).detail("session", sessionId).detail("reason", "signed_in_again")
                    .detail("newSession", created.session().id()));
        }
    }

    private ApiException refused(RequestInfo info, String username, String reason) {
        audit.record(AuditEvent.of(info, AuditEvent.ANONYMOUS, "auth.sign_in", AuditEvent.Outcome.FAILURE)
                .target(username).detail("reason", reason));
        return reason.equals("disabled") ? ApiException.forbidden("account_disabled", DISABLED)
                : new ApiException(Status.UNAUTHORIZED_401, "invalid_credentials", INVALID);
    }

    /**
     * The per-account limiter's key. Names that cannot be accounts share one key: they are
     * never looked up, and a key per made-up 60 KB name would be memory for the taking.
     */
    static String accountKey(String username) {
        return UserFields.usernameProblem(username).isEmpty()
                ? "account:" + username.toLowerCase(Locale.ROOT) : "account:(not a username)";
    }

    /**
     * Empty when the password is right for an enabled account; else why not (for the audit log).
     * {@code disabled} only with the right password; a disabled account with a wrong one is a wrong password.
     */
    private Optional<String> check(Optional<UserStore.Credentials> found, String password) {
        if (found.isEmpty()) {
            hasher.verifyDummy(password);
            return Optional.of("unknown_user");
        }
        Optional<String> hash = found.get().passwordHash();
        if (hash.isEmpty()) {
            hasher.verifyDummy(password);
            return Optional.of("no_local_password");
        }
        if (!hasher.verify(password, hash.get())) {
            return Optional.of("wrong_password");
        }
        return found.get().user().disabled() ? Optional.of("disabled") : Optional.empty();
    }
}
