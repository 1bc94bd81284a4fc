package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.seglamater.hivemind.server.testing.ApiClient.formBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sign-in form's messages for each refusal: the same path as the API (LocalSignIn), so the
 * same limits and audit entries, worded for a page.
 */
class SignInPagesTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT", "2/10m");
        server.createUser("sp_limited", "user");
        server.createUser("sp_disabled", "user");
        server.sql("UPDATE users SET disabled = true WHERE username = 'sp_disabled'");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Sends the form and opens the page it is sent back to; that page's body. */
    private static String attempt(ApiClient browser, String username, String password) {
        ApiClient.Response answer = browser.form("/sign-in", formBody("username", username, "password", password));
        assertThat(answer.status()).isEqualTo(303);
        return browser.page(answer.headers().firstValue("Location").orElseThrow()).body();
    }

    @Test
    void tooManyAttemptsSayHowLongToWait() throws Exception {
        ApiClient browser = server.client();
        assertThat(attempt(browser, "sp_limited", "wrong 1")).contains("The username or password is wrong.");
        assertThat(attempt(browser, "sp_limited", "wrong 2")).contains("The username or password is wrong.");
        assertThat(attempt(browser, "sp_limited", TestServer.PASSWORD))
                .containsPattern("Too many sign-in attempts\\. Wait \\d+ seconds and try again\\.");
        assertThat(browser.cookie("hivemind_session")).as("not even the right password").isNull();
        assertThat(server.audit("rate_limit.tripped")).isNotEmpty();
    }

    @Test
    void theRightPasswordOfADisabledAccountIsToldSo() {
        ApiClient browser = server.client();
        assertThat(attempt(browser, "sp_disabled", "a wrong password")).contains("The username or password is wrong.");
        assertThat(attempt(browser, "sp_disabled", TestServer.PASSWORD))
                .contains("This account is disabled. An administrator can enable it again.");
    }

    @Test
    void anEmptyFieldIsAskedFor() {
        assertThat(attempt(server.client(), "", "")).contains("Enter your username and password.");
    }
}
