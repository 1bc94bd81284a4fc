package com.seglamater.hivemind.server.setup;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import com.seglamater.hivemind.server.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The setup link over HTTP: announced in the log, closed by an admin made any other way, absent with forward auth. */
class FirstRunTest {

    @Test
    void theLogPrintsTheLinkWithTheTokenOfTheFile() throws Exception {
        try (LogCapture log = LogCapture.start(); TestServer server = TestServer.start()) {
            String token = Files.readString(server.dataDir().resolve(FirstRun.FILE));
            assertThat(log.lines()).anySatisfy(line -> assertThat(line)
                    .contains("no admin account exists yet: open http://127.0.0.1:" + server.port() + "/setup?token=" + token)
                    .contains(server.dataDir().resolve(FirstRun.FILE).toAbsolutePath().normalize().toString())
                    .contains("users create"));
        }
    }

    @Test
    void anAdminMadeAnotherWayClosesTheLinkAndRemovesTheFile() throws Exception {
        try (TestServer server = TestServer.start()) {
            Path file = server.dataDir().resolve(FirstRun.FILE);
            String token = Files.readString(file);
            assertThat(server.client().page("/setup?token=" + token).status()).isEqualTo(200);

            server.createUser("cli_admin", "admin");

            ApiClient.Response page = server.client().page("/setup?token=" + token);
            assertThat(page.status()).isEqualTo(410);
            assertThat(page.body()).contains("No longer available").contains("an admin account exists");
            assertThat(file).doesNotExist();
        }
    }

    /** A server with a password too short for the policy (the browser's minlength stops it before; a script may not). */
    @Test
    void aWeakPasswordIsRefusedWithThePolicysWords() throws Exception {
        try (TestServer server = TestServer.start()) {
            String token = Files.readString(server.dataDir().resolve(FirstRun.FILE));
            ApiClient browser = server.client();
            ApiClient.Response refused = browser.form("/setup", ApiClient.formBody("token", token, "username", "adm",
                    "password", "short", "confirmPassword", "short"));
            assertThat(refused.status()).isEqualTo(303);
            assertThat(browser.page(refused.headers().firstValue("Location").orElseThrow()).body())
                    .contains("The password must be at least 12 characters long.");
        }
    }

    @Test
    void aDisabledAdminDoesNotCountButAUserDoesNotCloseIt() throws Exception {
        try (TestServer server = TestServer.start()) {
            String token = Files.readString(server.dataDir().resolve(FirstRun.FILE));
            server.createUser("some_user", "user");
            server.createUser("old_admin", "admin");
            server.sql("UPDATE users SET disabled = true WHERE username = 'old_admin'");
            assertThat(server.client().page("/setup?token=" + token).status()).isEqualTo(200);
        }
    }

    @Test
    void withForwardAuthThereIsNoSetupLink() throws Exception {
        try (TestServer server = TestServer.start("HIVEMIND_FORWARD_AUTH", "true",
                "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "127.0.0.1/32", "HIVEMIND_PUBLIC_URL", "http://127.0.0.1")) {
            assertThat(server.dataDir().resolve(FirstRun.FILE)).doesNotExist();
        }
    }
}
