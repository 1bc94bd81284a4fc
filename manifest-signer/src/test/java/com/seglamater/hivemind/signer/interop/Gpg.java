package com.seglamater.hivemind.signer.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine's GnuPG, driven in batch mode with a throw-away home directory, so tests can
 * prove that what Hivemind signs GnuPG verifies and the other way round.
 */
public final class Gpg {

    public record Result(int exitCode, String stdout, String stderr) {
    }

    private final Path home;

    public Gpg(Path home) throws IOException {
        this.home = Files.createDirectories(home);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    }

    public static boolean available() {
        try {
            Process p = new ProcessBuilder("gpg", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--yes",
                "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        // Outputs are small; read both after exit is safe only because gpg never fills a pipe here.
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("gpg did not finish within 60 s: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    public Result ok(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("gpg " + String.join(" ", args) + " failed (" + r.exitCode() + "): " + r.stderr());
        }
        return r;
    }

    /** Fingerprint of the only primary key in this home. */
    public String primaryFingerprint() throws IOException, InterruptedException {
        for (String line : ok("--with-colons", "--list-keys").stdout().split("\n")) {
            if (line.startsWith("fpr:")) {
                return line.split(":")[9];
            }
        }
        throw new AssertionError("gpg lists no key");
    }
}
