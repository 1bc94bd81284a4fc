package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.signer.testing.Cli;
import com.seglamater.hivemind.signer.testing.TestKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SignVerifyCommandTest {

    private static final Instant NOW = Instant.parse("2026-11-20T08:00:00Z");

    @TempDir
    Path dir;

    private final Cli cli = new Cli(NOW);
    private TestKeys.KeyFiles alice;
    private TestKeys.KeyFiles bob;
    private Path keyring;
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        alice = TestKeys.create(dir, "alice", NOW.minus(Duration.ofDays(1)));
        bob = TestKeys.create(dir, "bob", NOW.minus(Duration.ofDays(1)));
        keyring = dir.resolve("keyring.asc");
        assertThat(cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString(),
                bob.certificate().toString()).exitCode()).isZero();
        file = Files.writeString(dir.resolve("latest.json"), "{\"schema\": 1}\n");
    }

    private Cli.Result sign(TestKeys.KeyFiles key, String... extra) {
        String[] base = {"sign", "--secret-key", key.secret().toString()};
        String[] args = new String[base.length + extra.length + 1];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        args[args.length - 1] = file.toString();
        return cli.run(args);
    }

    @Test
    void signWritesFileDotAscThatVerifyAccepts() {
        Cli.Result signed = sign(alice);
        assertThat(signed.exitCode()).as(signed.toString()).isZero();
        assertThat(dir.resolve("latest.json.asc")).exists();

        Cli.Result r = cli.run("verify", "--keyring", keyring.toString(), file.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("good signature by " + alice.fingerprint())
                .contains("Hivemind alice TEST ONLY <alice@invalid>")
                .contains("signing key " + alice.key().certificate().subkeys().get(0).fingerprint());
    }

    @Test
    void verifyRejectsATamperedFile() throws Exception {
        sign(alice);
        Files.writeString(file, "{\"schema\": 2}\n");

        Cli.Result r = cli.run("verify", "--keyring", keyring.toString(), file.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        // The reason is where the failure is, on stderr; stdout is for results.
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("manifest-signer: " + file + ": 0 valid signer(s), 1 required: signature by ")
                .endsWith("does not match the data (tampered or signed over other bytes)");
        assertThat(r.out()).doesNotContain("does not match");
    }

    @Test
    void verifyRejectsASignatureByAKeyNotInTheKeyring() throws Exception {
        TestKeys.KeyFiles mallory = TestKeys.create(dir, "mallory", NOW.minus(Duration.ofDays(1)));
        sign(mallory);

        Cli.Result r = cli.run("verify", "--keyring", keyring.toString(), file.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString().contains("0 valid signer(s), 1 required: signed by key ")
                .endsWith("which is not in the trusted keyring");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void thresholdTwoIsMetByTwoSignersConcatenated() throws Exception {
        sign(alice, "--output", dir.resolve("a.asc").toString());
        sign(bob, "--output", dir.resolve("b.asc").toString());
        Path both = dir.resolve("both.asc");
        Files.write(both, concat(Files.readAllBytes(dir.resolve("a.asc")), Files.readAllBytes(dir.resolve("b.asc"))));

        Cli.Result two = cli.run("verify", "--keyring", keyring.toString(), "--signature", both.toString(),
                "--threshold", "2", file.toString());
        Cli.Result oneSigner = cli.run("verify", "--keyring", keyring.toString(), "--signature",
                dir.resolve("a.asc").toString(), "--threshold", "2", file.toString());

        assertThat(two.exitCode()).as(two.toString()).isZero();
        assertThat(two.out()).contains("2 valid signer(s), 2 required: OK");
        assertThat(oneSigner.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(oneSigner.err()).contains("1 valid signer(s), 2 required");
    }

    @Test
    void aSignatureThatDoesNotCountBesideOneThatDoesIsAWarningOnStderr() throws Exception {
        TestKeys.KeyFiles mallory = TestKeys.create(dir, "mallory", NOW.minus(Duration.ofDays(1)));
        sign(alice, "--output", dir.resolve("a.asc").toString());
        sign(mallory, "--output", dir.resolve("m.asc").toString());
        Path both = Files.write(dir.resolve("both.asc"),
                concat(Files.readAllBytes(dir.resolve("a.asc")), Files.readAllBytes(dir.resolve("m.asc"))));

        Cli.Result r = cli.run("verify", "--keyring", keyring.toString(), "--signature", both.toString(), file.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("good signature by " + alice.fingerprint()).contains("1 required: OK")
                .doesNotContain("not counted");
        assertThat(r.errLines()).singleElement().asString().startsWith("warning: not counted: signed by key ")
                .endsWith("which is not in the trusted keyring");
    }

    @Test
    void thresholdCountsDistinctSignersNotSignatures() throws Exception {
        sign(alice, "--output", dir.resolve("a.asc").toString());
        Path twice = Files.write(dir.resolve("twice.asc"),
                concat(Files.readAllBytes(dir.resolve("a.asc")), Files.readAllBytes(dir.resolve("a.asc"))));
        Cli.Result r = cli.run("verify", "--keyring", keyring.toString(), "--signature", twice.toString(),
                "--threshold", "2", file.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
    }

    @Test
    void signRefusesToOverwriteWithoutForce() throws Exception {
        Path sig = Files.writeString(dir.resolve("latest.json.asc"), "old");
        Cli.Result refused = sign(alice);
        assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(refused.err()).contains("--force");
        assertThat(Files.readString(sig)).isEqualTo("old");

        Cli.Result forced = sign(alice, "--force");
        assertThat(forced.exitCode()).isZero();
        assertThat(cli.run("verify", "--keyring", keyring.toString(), file.toString()).exitCode()).isZero();
    }

    @Test
    void wrongPassphraseMakesTheKeyUnusable() throws Exception {
        TestKeys.KeyFiles locked = TestKeys.create(dir, "locked", NOW.minus(Duration.ofDays(1)),
                Optional.of("right"), Optional.empty());
        Path wrong = Files.writeString(dir.resolve("wrong.pass"), "wrong\n");

        Cli.Result r = sign(locked, "--passphrase-file", wrong.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.KEY_UNUSABLE);
        assertThat(r.err()).contains("wrong passphrase").doesNotContain("wrong\n");
        assertThat(dir.resolve("latest.json.asc")).doesNotExist();
    }

    @Test
    void protectedKeyWithoutConsoleOrPassphraseOptionIsUnusableAndTheMessageNamesTheOptions() throws Exception {
        TestKeys.KeyFiles locked = TestKeys.create(dir, "locked", NOW.minus(Duration.ofDays(1)),
                Optional.of("right"), Optional.empty());
        Cli.Result r = sign(locked);
        assertThat(r.exitCode()).isEqualTo(ExitCode.KEY_UNUSABLE);
        assertThat(r.err()).contains("--passphrase-file").contains("--passphrase-env");

        Cli.Result fromEnv = cli.env("SIGN_PASS", "right").run("sign", "--secret-key", locked.secret().toString(),
                "--passphrase-env", "SIGN_PASS", file.toString());
        assertThat(fromEnv.exitCode()).as(fromEnv.toString()).isZero();
    }

    @Test
    void expiredKeyIsUnusable() throws Exception {
        TestKeys.KeyFiles old = TestKeys.create(dir, "old", NOW.minus(Duration.ofDays(10)), Optional.empty(),
                Optional.of(Duration.ofDays(5)));
        Cli.Result r = sign(old);
        assertThat(r.exitCode()).isEqualTo(ExitCode.KEY_UNUSABLE);
        assertThat(r.err()).contains("expired");
    }

    @Test
    void missingFileOrSignatureIsAnInputError() throws Exception {
        assertThat(cli.run("sign", "--secret-key", alice.secret().toString(), dir.resolve("nope").toString())
                .exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(cli.run("verify", "--keyring", keyring.toString(), file.toString()).exitCode())
                .isEqualTo(ExitCode.INPUT);
        Files.writeString(dir.resolve("latest.json.asc"), "this is no signature");
        Cli.Result notASignature = cli.run("verify", "--keyring", keyring.toString(), file.toString());
        assertThat(notASignature.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(notASignature.err()).contains("not ASCII-armored");
    }

    @Test
    void zeroThresholdIsAUsageError() {
        sign(alice);
        assertThat(cli.run("verify", "--keyring", keyring.toString(), "--threshold", "0", file.toString()).exitCode())
                .isEqualTo(ExitCode.USAGE);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

}
