package com.seglamater.hivemind.signer.interop;

import com.seglamater.hivemind.signer.testing.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Revocation certificates travel both ways between manifest-signer and GnuPG. */
class GnuPgRevocationInteroperabilityTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void gpgIsInstalled() {
        assertThat(Gpg.available()).as("gpg must be installed (.ci/run installs it)").isTrue();
    }

    private static String validity(Gpg gpg, String fingerprint) throws Exception {
        // --with-colons: field 2 of the pub line is the validity; 'r' means revoked.
        return gpg.ok("--with-colons", "--list-keys", fingerprint).stdout().lines()
                .filter(l -> l.startsWith("pub:")).findFirst().orElseThrow().split(":")[1];
    }

    @Test
    void gnupgImportsTheRevocationCertificateThatKeygenWrites() throws Exception {
        Cli cli = new Cli(Instant.now());
        Cli.Result keygen = cli.run("keygen", "--uid", "Hivemind TEST ONLY <revoke@invalid>",
                "--output", dir.resolve("k.asc").toString(), "--no-passphrase");
        assertThat(keygen.exitCode()).as(keygen.toString()).isZero();
        String fingerprint = keygen.out().lines().filter(l -> l.startsWith("fingerprint:")).findFirst().orElseThrow()
                .substring("fingerprint:".length()).trim();

        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--import", dir.resolve("k.pub.asc").toString());
        assertThat(validity(gpg, fingerprint)).isNotEqualTo("r");
        gpg.ok("--import", dir.resolve("k.rev.asc").toString());
        assertThat(validity(gpg, fingerprint)).isEqualTo("r");
    }

    @Test
    void keyringRevokeAcceptsTheRevocationCertificateGnupgWrites() throws Exception {
        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--quick-generate-key", "Hivemind TEST ONLY <gpg-rev@invalid>", "ed25519", "sign", "1y");
        String fingerprint = gpg.primaryFingerprint();
        java.nio.file.Files.writeString(dir.resolve("cert.asc"), gpg.ok("--armor", "--export", fingerprint).stdout());
        Path keyring = dir.resolve("ring.asc");
        Cli cli = new Cli(Instant.now());
        assertThat(cli.run("keyring", "add", "--keyring", keyring.toString(), dir.resolve("cert.asc").toString())
                .exitCode()).isZero();

        // GnuPG keeps a revocation certificate for every key it makes, with a ':' guarding its first line.
        Path revocation = dir.resolve("gnupg").resolve("openpgp-revocs.d").resolve(fingerprint + ".rev");
        Cli.Result revoke = cli.run("keyring", "revoke", "--keyring", keyring.toString(),
                "--revocation", revocation.toString());
        assertThat(revoke.exitCode()).as(revoke.toString()).isZero();
        assertThat(cli.run("keyring", "list", "--keyring", keyring.toString()).out())
                .contains(fingerprint + "  revoked");
    }
}
