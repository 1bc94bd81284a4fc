package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.Json;
import com.seglamater.hivemind.server.web.JsonBody;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.util.Optional;

/**
 * The sign-in API under {@code /api/v1}: how to sign in ({@code GET /auth}), password sign-in
 * ({@code POST /session}), sign-out ({@code DELETE /session}) and password change
 * ({@code PUT /me/password}). The rules (rate limits, audit, the timing-safe check, forward auth)
 * are {@link LocalSignIn}'s, which the sign-in and account pages use too; this class only turns
 * JSON into its calls and its results into JSON.
 */
public final class SignInService implements HttpService {

    private final LocalSignIn local;

    public SignInService(LocalSignIn local) {
        this.local = local;
    }

    /** {@code GET /api/v1/auth}: how to sign in here; no credentials needed. */
    record MethodsView(boolean password, boolean forwardAuth, Optional<String> loginUrl, Optional<String> logoutUrl) {
    }

    /** {@code DELETE /api/v1/session} with a forward-auth logout URL: where the browser goes next. */
    record SignedOut(String logoutUrl) {
    }

    record SignInRequest(String username, String password) {
        SignInRequest {
            if (username == null || username.isEmpty()) {
                throw ApiException.invalidField("username", "is required");
            }
            if (password == null || password.isEmpty()) {
                throw ApiException.invalidField("password", "is required");
            }
        }

        @Override
        public String toString() {
            return "SignInRequest[username=" + username + "]";
        }
    }

    record PasswordChange(String currentPassword, String newPassword) {
        PasswordChange {
            if (currentPassword == null || currentPassword.isEmpty()) {
                throw ApiException.invalidField("currentPassword", "is required");
            }
            if (newPassword == null) {
                throw ApiException.invalidField("newPassword", "is required");
            }
        }

        @Override
        public String toString() {
            return "PasswordChange[(hidden)]";
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/auth", this::methods)
                .post("/session", this::signIn)
                .delete("/session", this::signOut)
                .put("/me/password", this::changePassword);
    }

    private void methods(ServerRequest req, ServerResponse res) {
        SignInMethods methods = local.methods();
        Json.ok(res, new MethodsView(methods.password(), methods.forwardAuth(),
                methods.loginUrl().map(URI::toString), methods.logoutUrl().map(URI::toString)));
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        if (local.methods().forwardAuth()) {
            // Refused before the body is read, as it always was: LocalSignIn audits and explains.
            local.signIn(req, res, "", "");
        }
        SignInRequest body = JsonBody.read(req, SignInRequest.class);
        LocalSignIn.SignedIn signedIn = local.signIn(req, res, body.username(), body.password());
        Json.ok(res, Me.of(signedIn.principal()));
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        Optional<URI> logout = local.signOut(req, res);
        if (logout.isPresent()) {
            // The proxy's own session is still live: without this, its next request signs the user in again.
            Json.ok(res, new SignedOut(logout.get().toString()));
        } else {
            res.status(Status.NO_CONTENT_204).send();
        }
    }

    private void changePassword(ServerRequest req, ServerResponse res) {
        Access.account(req);
        if (local.methods().forwardAuth()) {
            local.changePassword(req, "", "");
        }
        PasswordChange body = JsonBody.read(req, PasswordChange.class);
        local.changePassword(req, body.currentPassword(), body.newPassword());
        res.status(Status.NO_CONTENT_204).send();
    }
}
