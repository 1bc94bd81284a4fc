package com.seglamater.hivemind.server.auth;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * How people sign in to this server: with a local password, or (forward auth on) through the
 * single sign-on proxy, whose entry point and logout are {@code loginUrl} and {@code logoutUrl}.
 * The sign-in page, the sign-in API's refusal and every 401 point to the login URL.
 */
public record SignInMethods(boolean forwardAuth, Optional<URI> loginUrl, Optional<URI> logoutUrl) {

    public static final SignInMethods PASSWORD = new SignInMethods(false, Optional.empty(), Optional.empty());

    public SignInMethods {
        Objects.requireNonNull(loginUrl, "loginUrl");
        Objects.requireNonNull(logoutUrl, "logoutUrl");
    }

    /** Local password sign-in is on exactly when forward auth is off. */
    public boolean password() {
        return !forwardAuth;
    }
}
