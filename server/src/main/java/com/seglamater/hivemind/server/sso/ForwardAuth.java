package com.seglamater.hivemind.server.sso;

import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.auth.Authentication;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.auth.Role;
import com.seglamater.hivemind.server.auth.SessionCookies;
import com.seglamater.hivemind.server.auth.SessionStore;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.users.User;
import com.seglamater.hivemind.server.users.UserStore;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 *     proxy carries the proxy's own) gets a session on its first request, so that its
 *     state-changing requests can carry a CSRF token; a cookie-less client is authenticated
 *     for the one request and gets no session row per request.</li>
 * </ul>
 */
public final class ForwardAuth {

    private static final Logger LOG = Logger.getLogger(ForwardAuth.class.getName());

    private final ForwardAuthSettings settings;
    private final RoleMapping mapping;
    private final DbClient db;
    private final UserStore users;
    private final SessionStore sessions;
    private final AuditLog audit;
    private final Clock clock;
    private final List<HeaderName> identityHeaders;
    private final Set<String> warnedUnreadable = ConcurrentHashMap.newKeySet();

    public ForwardAuth(ForwardAuthSettings settings, Optional<Role> defaultRole, DbClient db, UserStore users,
                       SessionStore sessions, AuditLog audit, Clock clock) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("forward auth is off");
        }
        this.settings = settings;
        this.mapping = settings.roleMapping(defaultRole);
        this.db = db;
        this.users = users;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
        Set<String> names = new LinkedHashSet<>(List.of(settings.userHeader(), settings.emailHeader(),
                settings.groupsHeader()));
        settings.nameHeader().ifPresent(names::add);
        this.identityHeaders = names.stream().map(HeaderNames::create).toList();
    }

    public ForwardAuthSettings settings() {
        return settings;
    }

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
            identity = Identity.read(headers, settings);
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
            return new Authentication.Denied(Authentication.Denied.ACCESS_DENIED, "'" + who.username()
                    + "' is in no group that grants access to Hivemind: members of '" + mapping.adminGroup()
                    + "' are admins, members of '" + mapping.userGroup() + "' are users; ask whoever runs your "
                    + "identity provider to add you to one", who.username(),
                    List.of(mapping.adminGroup(), mapping.userGroup()));
        }
        User user = sync(who, role.get(), info);
        if (user.disabled()) {
            return new Authentication.Denied(Authentication.Denied.ACCOUNT_DISABLED, "the Hivemind account '"
                    + user.username() + "' is disabled; ask a Hivemind admin to enable it", user.username(), List.of());
        }
        return session(req, info, user);
    }

    /** The account as the headers say it is now: provisioned, linked or updated only when needed. */
    private User sync(Identity who, Role role, RequestInfo info) {
        Optional<User> found = users.find(who.username());
        if (found.isPresent() && (found.get().disabled() || upToDate(found.get(), who, role))) {
            return found.get();
        }
        try {
            return Sql.inTransaction(db, tx -> apply(tx, who, role, info));
        } catch (UserStore.UsernameTakenException e) {
            // Another request provisioned the account between our read and our insert: update it instead.
            return Sql.inTransaction(db, tx -> apply(tx, who, role, info));
        }
    }

    private static boolean upToDate(User user, Identity who, Role role) {
        return user.source() == User.Source.SSO && user.role() == role
                && (who.email().isEmpty() || who.email().equals(user.email()))
                && (who.displayName().isEmpty() || who.displayName().equals(user.displayName()));
    }

    private User apply(DbExecute tx, Identity who, Role role, RequestInfo info) {
        Instant now = clock.instant();
        Optional<User> locked = users.lock(tx, who.username());
        if (locked.isEmpty()) {
            User created = users.create(tx, new UserStore.NewUser(who.username(), who.email(), who.displayName(), role,
                    User.Source.SSO, Optional.empty()), now);
            audit.record(tx, event(info, created, "user.provisioned").detail("role", role.text()));
            return created;
        }
        User before = locked.get();
        if (before.disabled()) {
            return before;
        }
        User current = before;
        if (current.source() != User.Source.SSO) {
            current = users.linkToSso(tx, current.id(), now);
            audit.record(tx, event(info, current, "user.linked").detail("from", before.source().text()));
        }
        User wanted = new User(current.id(), current.username(), who.email().or(current::email),
                who.displayName().or(current::displayName), role, current.source(), current.disabled(),
                current.createdAt(), current.updatedAt(), current.lastSeenAt());
        if (wanted.equals(current)) {
            return current;
        }
        User after = users.update(tx, wanted, now);
        if (before.role() != after.role()) {
            audit.record(tx, event(info, after, "user.role_changed").detail("from", before.role().text())
                    .detail("to", after.role().text()).detail("reason", "groups"));
        }
        if (!before.email().equals(after.email()) || !before.displayName().equals(after.displayName())) {
            audit.record(tx, event(info, after, "user.updated")
                    .detail("emailChanged", !before.email().equals(after.email()))
                    .detail("displayNameChanged", !before.displayName().equals(after.displayName())));
        }
        return after;
    }

    /** What the proxy's headers did to an account: the account is the actor, the proxy the means. */
    private static AuditEvent event(RequestInfo info, User user, String action) {
        return AuditEvent.of(info, user.username(), action, AuditEvent.Outcome.SUCCESS).target(user.username())
                .detail("method", "forward_auth");
    }

    private Authentication session(ServerRequest req, RequestInfo info, User user) {
        Instant now = clock.instant();
        Optional<String> cookie = SessionCookies.sessionToken(req);
        if (cookie.isPresent()) {
            Optional<SessionStore.Active> active = sessions.find(cookie.get(), now);
            if (active.isPresent()) {
                SessionStore.StoredSession session = active.get().session();
                if (session.userId() == user.id()) {
                    sessions.touch(session, now);
                    users.touch(user, now);
                    return new Authentication.Authenticated(new Principal.Account(user,
                            new Principal.Session(session.id(), session.csrfToken(), session.expiresAt())));
                }
                end(info, active.get(), user);
            }
        }
        users.touch(user, now);
        if (!req.headers().contains(HeaderNames.COOKIE)) {
            return new Authentication.Authenticated(new Principal.Account(user, new Principal.ForwardAuth()));
        }
        SessionStore.NewSession created = Sql.inTransaction(db, tx -> {
            SessionStore.NewSession made = sessions.create(tx, user.id(), info.ip(), info.userAgent(),
                    SessionStore.Origin.FORWARD_AUTH, now);
            audit.record(tx, event(info, user, "auth.sign_in").detail("session", made.session().id()));
            return made;
        });
        SessionStore.StoredSession session = created.session();
        return new Authentication.Authenticated(new Principal.Account(user,
                new Principal.Session(session.id(), session.csrfToken(), session.expiresAt())), Optional.of(created));
    }

    /** The browser's session names someone else than the proxy does now: that session ends. */
    private void end(RequestInfo info, SessionStore.Active previous, User now) {
        Sql.inTransaction(db, tx -> {
            if (sessions.delete(tx, previous.user().id(), previous.session().id())) {
                audit.record(tx, AuditEvent.of(info, previous.user().username(), "auth.session_ended",
                                AuditEvent.Outcome.SUCCESS).target(previous.user().username())
                        .detail("session", previous.session().id()).detail("reason", "identity_changed")
                        .detail("proxyUser", now.username()));
            }
            return null;
        });
    }
}
