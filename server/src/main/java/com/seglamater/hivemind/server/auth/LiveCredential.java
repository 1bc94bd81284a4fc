package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.identity.SessionStore;
import com.seglamater.hivemind.server.identity.TokenStore;
import io.helidon.dbclient.DbExecute;

import java.time.Instant;

/**
 * Whether the credential a request was authenticated with still holds, inside the
 * transaction that acts on it: an admin's disable or password reset may have ended it in the
 * time since (an Argon2id check takes tens of milliseconds), and a change made on its behalf
 * must then not happen.
 */
public final class LiveCredential {

    private LiveCredential() {
    }

    public static boolean stillValid(DbExecute tx, Principal.Account account, SessionStore sessions, TokenStore tokens,
                              Instant now) {
        return switch (account.credential()) {
            case Principal.Session session -> sessions.exists(tx, session.id());
            case Principal.Token token -> tokens.live(tx, token.id(), now);
            // Checked on this very request; such a request never changes state (Csrf refuses it).
            case Principal.ForwardAuth proxy -> true;
        };
    }
}
