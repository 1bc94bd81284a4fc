package com.seglamater.hivemind.signer;

import com.seglamater.hivemind.signer.cli.ExitCode;
import com.seglamater.hivemind.signer.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    private final Cli cli = new Cli(Instant.parse("2026-11-20T08:00:00Z"));

    @ParameterizedTest
    @ValueSource(strings = {"keygen", "export", "keyring", "keyring add", "keyring list", "keyring remove",
            "keyring revoke", "sign", "verify", "publish", "promote", "refresh", "status"})
    void everyCommandsHelpListsTheExitCodes(String command) {
        String[] args = (command + " --help").split(" ");
        Cli.Result r = cli.run(args);

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Exit codes:").contains("0   success").contains("2   usage error")
                .contains("3   input error").contains("4   verification failed").contains("5   refused")
                .contains("6   key unusable").contains("7   status only");
    }

    @Test
    void publishHelpShowsTheShippedStacksServiceNamesAndTheWayOut() {
        Cli.Result r = cli.run("publish", "--help");

        assertThat(r.exitCode()).isZero();
        // Help wraps lines, even inside the example: compare with the whitespace collapsed or removed.
        String help = r.out().replaceAll("\\s+", " ");
        assertThat(help).contains("(hivemind-server, hivemind-updater, hivemind-db)")
                .contains("--allow-service=NAME").doesNotContain(" server=").doesNotContain(" updater=");
        assertThat(r.out().replaceAll("\\s+", ""))
                .contains("hivemind-server=registry.example.org/hivemind/server@sha256:<64hex>");
    }

    @Test
    void unknownCommandIsAUsageErrorOnOneLine() {
        Cli.Result r = cli.run("frobnicate");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().startsWith("manifest-signer: ");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(cli.run().exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void failuresPrintOneLineWithoutStackTraceUnlessDebugIsGiven(@TempDir Path dir) {
        Cli.Result plain = cli.run("export", "--secret-key", dir.resolve("missing.asc").toString());
        assertThat(plain.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(plain.errLines()).singleElement().asString()
                .isEqualTo("manifest-signer: secret key " + dir.resolve("missing.asc") + " does not exist");

        Cli.Result debug = cli.run("export", "--debug", "--secret-key", dir.resolve("missing.asc").toString());
        assertThat(debug.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(debug.err()).contains("CommandFailedException").contains("\tat ");
    }

    @Test
    void exportPrintsTheCertificateOfASecretKey(@TempDir Path dir) throws Exception {
        var key = com.seglamater.hivemind.signer.testing.TestKeys.create(dir, "export",
                Instant.parse("2026-11-20T08:00:00Z"));
        Cli.Result r = cli.run("export", "--secret-key", key.secret().toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(key.certificate()));

        Cli.Result toFile = cli.run("export", "--secret-key", key.secret().toString(), "--output",
                dir.resolve("out.asc").toString());
        assertThat(toFile.exitCode()).isZero();
        assertThat(dir.resolve("out.asc")).hasSameBinaryContentAs(key.certificate());
        assertThat(cli.run("export", "--secret-key", key.secret().toString(), "--output",
                dir.resolve("out.asc").toString()).exitCode()).isEqualTo(ExitCode.REFUSED);
    }

    @Test
    void exportRefusesAPublicKeyGivenAsSecretKey(@TempDir Path dir) throws Exception {
        var key = com.seglamater.hivemind.signer.testing.TestKeys.create(dir, "export",
                Instant.parse("2026-11-20T08:00:00Z"));
        Cli.Result r = cli.run("export", "--secret-key", key.certificate().toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(r.err()).contains("is not a secret key").contains("public key");
    }
}
