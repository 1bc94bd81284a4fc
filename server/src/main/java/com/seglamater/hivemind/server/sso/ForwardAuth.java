package com.seglamater.hivemind.server.sso;

import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.auth.Authentication;
import com.seglamater.hivemind.server.auth.Csrf;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.auth.ProxyAuthentication;
import com.seglamater.hivemind.server.auth.SessionCookies;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.identity.AccountException;
import com.seglamater.hivemind.server.identity.Accounts;
import com.seglamater.hivemind.server.identity.Actor;
import com.seglamater.hivemind.server.identity.ProviderProfile;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.RoleMapping;
import com.seglamater.hivemind.server.identity.SessionStore;
import com.seglamater.hivemind.server.identity.User;
import com.seglamater.hivemind.server.identity.UserStore;
import com.seglamater.hivemind.server.ratelimit.Decision;
import com.seglamater.hivemind.server.ratelimit.RateLimit;
import com.seglamater.hivemind.server.ratelimit.RateLimiter;
import com.seglamater.hivemind.server.web.RequestInfo;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.helidon.dbclient.DbClient;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Authenticates a request by the forward-auth proxy's identity headers (issue 5), for requests
 * without a bearer credential while {@code HIVEMIND_FORWARD_AUTH} is on.
 * <ul>
 * <li>The headers count only when the TCP peer lies in the trusted networks; from any other
 *     peer they are ignored and the request is anonymous (the gate audits the attempt).</li>
 * <li>The role is re-derived from the groups header on every request. The account is written
 *     only when something differs (role, email, display name, first sight), so an ordinary
 *     request costs one indexed read and no write.</li>
 * <li>A session is honoured only while the proxy names its user: a different user ends it
 *     (a shared browser never mixes identities up), and no user header means no session.</li>
 * <li>A client that keeps cookies (it sends a {@code Cookie} header: every browser behind such a
 *     proxy carries the proxy's own) gets a session on its first safe request, so that its
 *     state-changing requests can carry a CSRF token; a cookie-less client is authenticated
 *     for the one request and gets no session row per request, and so is a client beyond
 *     {@link #NEW_SESSIONS} new sessions a minute.</li>
 * <li>A user the proxy names but who may not use Hivemind (in no granting group with default
 *     role {@code none}, or disabled) is refused; an account losing access this way also loses
 *     its sessions and API tokens.</li>
 * <li>The proxy's name must be the account's exactly: a name that differs from an existing
 *     account's only in case ({@code Alice} where {@code alice} exists) is refused
 *     ({@link #CASE_CONFLICT}). Usernames are unique regardless of case, and an identity provider
 *     that tells case apart could hold the two names for two people; mapping both onto one
 *     account would let the second act in, and leave API tokens in, the first one's account.</li>
 * </ul>
 */
public final class ForwardAuth implements ProxyAuthentication {

    private static final Logger LOG = Logger.getLogger(ForwardAuth.class.getName());

    private final ForwardAuthSettings settings;
    private final RoleMapping mapping;
    private final Accounts accounts;
    private final DbClient db;
    private final UserStore users;
    private final SessionStore sessions;
    private final AuditLog audit;
    private final Clock clock;
    private final List<HeaderName> identityHeaders;
    private final Set<String> warnedUnreadable = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean warnedNoGroups = new AtomicBoolean();

    /**
     * New sessions per account and client, a minute: a browser needs one; a client that sends
     * cookies but never keeps ours would otherwise make one (and an audit entry) per request.
     */
    static final RateLimit NEW_SESSIONS = new RateLimit(10, Duration.ofMinutes(1));

    private final RateLimiter newSessions;

    /** Identities read from the proxy's headers, by the headers' values (see {@link #identity}). */
    static final int RECENT_IDENTITIES = 1024;
    private final Cache<String, Identity> recentIdentities = Caffeine.newBuilder().maximumSize(RECENT_IDENTITIES).build();

    public ForwardAuth(ForwardAuthSettings settings, Optional<Role> defaultRole, Accounts accounts, DbClient db,
                       UserStore users, SessionStore sessions, AuditLog audit, Clock clock) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("forward auth is off");
        }
        this.settings = settings;
        this.mapping = settings.roleMapping(defaultRole);
        this.accounts = accounts;
        this.db = db;
        this.users = users;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
        this.newSessions = new RateLimiter(NEW_SESSIONS, clock);
        Set<String> names = new LinkedHashSet<>(List.of(settings.userHeader(), settings.emailHeader(),
                settings.groupsHeader()));
        settings.nameHeader().ifPresent(names::add);
        this.identityHeaders = names.stream().map(HeaderNames::create).toList();
    }

    public ForwardAuthSettings settings() {
        return settings;
    }

    @Override
    public boolean fromProxy(RequestInfo info) {
        return settings.trustedNets().contains(info.peer());
    }

    @Override
    public Authentication authenticate(ServerRequest req, RequestInfo info) {
        Headers headers = req.headers();
        if (!settings.trustedNets().contains(info.peer())) {
            List<String> sent = new ArrayList<>();
            for (HeaderName name : identityHeaders) {
                if (headers.contains(name)) {
                    sent.add(name.defaultCase());
                }
            }
            return new Authentication.Anonymous(false, sent);
        }
        Optional<Identity> identity;
        try {
            identity = identity(headers);
        } catch (Identity.InvalidException e) {
            return new Authentication.Denied(Authentication.Denied.IDENTITY_INVALID, e.getMessage()
                    + "; ask whoever runs the identity provider or the proxy to fix it", e.username(), List.of());
        }
        if (identity.isEmpty()) {
            return new Authentication.Anonymous(false);
        }
        Identity who = identity.get();
        for (String header : who.unreadable()) {
            if (warnedUnreadable.add(header)) {
                LOG.warning(() -> "the proxy sent " + header + " for '" + who.username() + "' with characters beyond "
                        + "ASCII; such values are not taken (the account keeps its stored one), as the server reads "
                        + "header values as ASCII; set the name or email in Hivemind instead (logged once per header)");
            }
        }
        Optional<Role> role = mapping.roleFor(who.groups());
        if (role.isEmpty()) {
            endForeignSession(req, info, who.username());
            if (who.groupsSent()) {
                accounts.revokeProviderAccess(Actor.proxy(info, who.username()), who.username());
            } else if (warnedNoGroups.compareAndSet(false, true)) {
                // A proxy that drops the header (a route without it, a copy_headers list without it)
                // must not cost everyone their tokens: refused, but nothing is revoked.
                LOG.warning(() -> "the proxy named '" + who.username() + "' but sent no " + settings.groupsHeader()
                        + " header, so no group grants access (HIVEMIND_DEFAULT_ROLE is none); check that the proxy "
                        + "passes that header on (logged once)");
            }
            return new Authentication.Denied(Authentication.Denied.ACCESS_DENIED, "'" + who.username()
                    + "' is in no group that grants access to Hivemind: members of '" + mapping.adminGroup()
                    + "' are admins, members of '" + mapping.userGroup() + "' are users; ask whoever runs your "
                    + "identity provider to add you to one", who.username(),
                    List.of(mapping.adminGroup(), mapping.userGroup()));
        }
        // The browser's session, read once: when it is the proxy's user, unchanged, its join of the
        // account is all this request reads (one query).
        Optional<SessionStore.Active> active = SessionCookies.sessionToken(req)
                .flatMap(token -> sessions.find(token, clock.instant()));
        ProviderProfile profile = new ProviderProfile(who.username(), who.email(), who.displayName());
        User user;
        try {
            user = active.map(SessionStore.Active::user)
                    .filter(u -> u.username().equals(who.username()) && !u.disabled() && profile.matches(u, role.get()))
                    .orElseGet(() -> accounts.syncFromProvider(Actor.proxy(info, who.username()), profile, role.get()));
        } catch (AccountException e) {
            endForeignSession(req, info, who.username());
            return new Authentication.Denied(Authentication.Denied.IDENTITY_INVALID, settings.userHeader() + " '"
                    + who.username() + "' " + e.getMessage(), who.username(), List.of());
        }
        if (user.disabled()) {
            endForeignSession(req, info, who.username());
            return new Authentication.Denied(Authentication.Denied.ACCOUNT_DISABLED, "the Hivemind account '"
                    + user.username() + "' is disabled; ask a Hivemind admin to enable it", user.username(), List.of());
        }
        return session(req, info, user, active);
    }

    /**
     * The identity in the headers. It depends on their values and the settings alone, so the
     * identities read recently are remembered by those values ({@link #RECENT_IDENTITIES} at
     * most): a proxy repeats the same few lines for every request of a user, and reading them
     * (the username, email and name checks, the groups list) was a tenth of a request's time.
     * Headers sent more than once are read afresh (and refused by {@link Identity#read}).
     */
    private Optional<Identity> identity(Headers headers) throws Identity.InvalidException {
        StringBuilder key = new StringBuilder(128);
        for (HeaderName name : identityHeaders) {
            List<String> values = headers.all(name, List::of);
            if (values.size() > 1) {
                return Identity.read(headers, settings);
            }
            // A NUL cannot occur in a header value: it separates the values unambiguously.
            key.append(values.isEmpty() ? "\u0000-" : values.getFirst()).append('\u0000');
        }
        String values = key.toString();
        Identity known = recentIdentities.getIfPresent(values);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Identity> read = Identity.read(headers, settings);
        read.ifPresent(identity -> recentIdentities.put(values, identity));
        return read;
    }

    /** A refused user must not leave the browser's session of someone else behind. */
    private void endForeignSession(ServerRequest req, RequestInfo info, String username) {
        Optional<String> cookie = SessionCookies.sessionToken(req);
        if (cookie.isEmpty()) {
            return;
        }
        sessions.find(cookie.get(), clock.instant())
                .filter(active -> !active.user().username().equals(username))
                .ifPresent(active -> end(info, active, username));
    }

    private Authentication session(ServerRequest req, RequestInfo info, User user,
                                   Optional<SessionStore.Active> active) {
        Instant now = clock.instant();
        if (active.isPresent()) {
            SessionStore.StoredSession session = active.get().session();
            if (session.userId() == user.id()) {
                sessions.touch(session, now);
                users.touch(user, now);
                return new Authentication.Authenticated(new Principal.Account(user,
                        new Principal.Session(session.id(), session.csrfToken(), session.expiresAt())));
            }
            end(info, active.get(), user.username());
        }
        users.touch(user, now);
        // No session for a client that keeps no cookies, on a state-changing request (its CSRF
        // check fails either way, and a forged cross-site POST must not write one), or beyond the
        // allowance of new sessions: the request is authenticated for itself alone.
        if (!req.headers().contains(HeaderNames.COOKIE) || Csrf.stateChanging(req) || !mayOpenSession(user, info)) {
            return new Authentication.Authenticated(new Principal.Account(user, new Principal.ForwardAuth()));
        }
        SessionStore.NewSession created = Sql.inTransaction(db, tx -> {
            SessionStore.NewSession made = sessions.create(tx, user.id(), info.ip(), info.userAgent(),
                    SessionStore.Origin.FORWARD_AUTH, now);
            audit.record(tx, AuditEvent.of(info, user.username(), "auth.sign_in", AuditEvent.Outcome.SUCCESS)
                    .target(user.username()).detail("method", "forward_auth").detail("session", made.session().id()));
            return made;
        });
        SessionStore.StoredSession session = created.session();
        return new Authentication.Authenticated(new Principal.Account(user,
                new Principal.Session(session.id(), session.csrfToken(), session.expiresAt())), Optional.of(created));
    }

    private boolean mayOpenSession(User user, RequestInfo info) {
        Decision decision = newSessions.tryAcquire(user.id() + "@" + info.clientKey());
        if (decision instanceof Decision.Limited limited && limited.firstTrip()) {
            LOG.info(() -> "'" + user.username() + "' from " + info.ip() + " asked for more than " + NEW_SESSIONS
                    + " new sessions: served without one for " + limited.retryAfter().toSeconds() + " s (a client "
                    + "that sends cookies but does not keep Hivemind's, or many browsers behind one address)");
        }
        return decision instanceof Decision.Allowed;
    }

    /** The browser's session names someone else than the proxy does now: that session ends. */
    private void end(RequestInfo info, SessionStore.Active previous, String proxyUser) {
        Sql.inTransaction(db, tx -> {
            if (sessions.delete(tx, previous.user().id(), previous.session().id())) {
                audit.record(tx, AuditEvent.of(info, previous.user().username(), "auth.session_ended",
                                AuditEvent.Outcome.SUCCESS).target(previous.user().username())
                        .detail("session", previous.session().id()).detail("reason", "identity_changed")
                        .detail("proxyUser", proxyUser));
            }
            return null;
        });
    }
}
