package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.identity.Accounts;
import com.seglamater.hivemind.server.identity.PasswordHasher;
import com.seglamater.hivemind.server.identity.SessionStore;
import com.seglamater.hivemind.server.identity.TokenStore;
import com.seglamater.hivemind.server.identity.UserStore;
import com.seglamater.hivemind.server.sso.ForwardAuthSettings;
import io.helidon.dbclient.DbClient;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/** The audit log and the accounts core with its stores, as the configuration asks. */
record IdentityPart(AuditLog audit, UserStore users, SessionStore sessions, TokenStore tokens, PasswordHasher hasher,
                    Accounts accounts) {

    static IdentityPart wire(ServerConfig config, DbClient db, Clock clock) {
        SecureRandom random = new SecureRandom();
        AuditLog audit = new AuditLog(db, clock);
        UserStore users = new UserStore(db);
        SessionStore sessions = new SessionStore(db, random, config.sessions().idleTimeout(), config.sessions().maxAge());
        TokenStore tokens = new TokenStore(db, random);
        PasswordHasher hasher = PasswordHasher.standard();
        ForwardAuthSettings sso = config.forwardAuth();
        Accounts accounts = new Accounts(db, users, sessions, tokens, hasher, audit, clock, config.defaultRole(),
                sso.enabled() ? Optional.of(sso.roleMapping(config.defaultRole())) : Optional.empty());
        return new IdentityPart(audit, users, sessions, tokens, hasher, accounts);
    }
}
