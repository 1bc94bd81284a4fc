package com.seglamater.hivemind.server.account;

import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.auth.Me;
import com.seglamater.hivemind.server.web.Json;
import com.seglamater.hivemind.server.web.JsonBody;
import com.seglamater.hivemind.server.web.Listing;
import com.seglamater.hivemind.server.web.Params;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;

/**
 * The signed-in principal's own things, under {@code /api/v1}: who am I ({@code /me}), my
 * sessions (list, end one, "sign out everywhere") and my personal API tokens (list, create,
 * revoke). Any role may use these; the admin API key has none of them except {@code /me}.
 * The rules are {@link SelfService}'s, which the account page uses too.
 */
public final class AccountService implements HttpService {

    private final SelfService self;

    public AccountService(SelfService self) {
        this.self = self;
    }

    record NewTokenRequest(String name, Integer expiresInDays) {
        NewTokenRequest {
            SelfService.checkNewToken(name, Optional.ofNullable(expiresInDays));
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/me", this::me)
                .get("/sessions", this::listSessions)
                .delete("/sessions", this::endAllSessions)
                .delete("/sessions/{id}", this::endSession)
                .get("/tokens", this::listTokens)
                .post("/tokens", this::createToken)
                .delete("/tokens/{id}", this::revokeToken);
    }

    private void me(ServerRequest req, ServerResponse res) {
        Json.ok(res, Me.of(Access.principal(req)));
    }

    private void listSessions(ServerRequest req, ServerResponse res) {
        Json.ok(res, new Listing<>(self.sessions(Access.account(req))));
    }

    /** "Sign out everywhere": every session of the account ends, this one included. */
    private void endAllSessions(ServerRequest req, ServerResponse res) {
        Json.ok(res, new Ended(self.endAllSessions(req, res)));
    }

    private void endSession(ServerRequest req, ServerResponse res) {
        self.endSession(req, res, Params.pathId(req, "id", "session"));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void listTokens(ServerRequest req, ServerResponse res) {
        Json.ok(res, new Listing<>(self.tokens(Access.account(req))));
    }

    private void createToken(ServerRequest req, ServerResponse res) {
        Access.account(req);
        NewTokenRequest body = JsonBody.read(req, NewTokenRequest.class);
        Json.send(res, Status.CREATED_201, self.createToken(req, body.name(), Optional.ofNullable(body.expiresInDays())));
    }

    private void revokeToken(ServerRequest req, ServerResponse res) {
        self.revokeToken(req, Params.pathId(req, "id", "token"));
        res.status(Status.NO_CONTENT_204).send();
    }

    public record Ended(long sessionsEnded) {
    }
}
