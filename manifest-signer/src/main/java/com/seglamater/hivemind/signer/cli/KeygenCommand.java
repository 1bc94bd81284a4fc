package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.config.Durations;
import com.seglamater.hivemind.model.files.AtomicFile;
import com.seglamater.hivemind.model.pgp.Armor;
import com.seglamater.hivemind.signer.pgp.GeneratedKey;
import com.seglamater.hivemind.signer.pgp.KeyAlgorithm;
import com.seglamater.hivemind.signer.pgp.KeyGenerator;
import com.seglamater.hivemind.signer.pgp.SecretKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code keygen}: a new release key, its public certificate and its revocation certificate. */
@Command(name = "keygen",
        description = {"Generate a release signing key: a certify-only primary key with a signing subkey.",
                "Writes FILE (secret key, mode 0600), and beside it NAME.pub.asc (certificate for the keyring) and "
                        + "NAME.rev.asc (revocation certificate, mode 0600; keep it offline), where NAME is FILE "
                        + "without a trailing .asc: --output jane.asc writes jane.pub.asc and jane.rev.asc.",
                "Never overwrites a file."})
public final class KeygenCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    private final Context ctx;

    @Option(names = "--uid", required = true, paramLabel = "\"NAME <EMAIL>\"",
            description = "User ID of the key, e.g. \"Hivemind Release <release@example.org>\".")
    String userId;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Secret key file to create.")
    Path output;

    @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "ed25519",
            converter = AlgorithmConverter.class,
            description = "ed25519 (default), rsa3072 or rsa4096.")
    KeyAlgorithm algorithm;

    @Option(names = "--expires", paramLabel = "WHEN", defaultValue = "never",
            description = "Key expiry: a duration (730d, 365d), a date (YYYY-MM-DD, midnight UTC) or never (default).")
    String expires;

    @Option(names = "--no-passphrase", description = "Make an unprotected key (only for keys kept in a vault).")
    boolean noPassphrase;

    @Mixin
    PassphraseOptions passphrase;

    public KeygenCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        validateUserId(userId);
        Instant now = ctx.now();
        Optional<Duration> validity = validity(expires, now);
        if (noPassphrase && passphrase.isGiven()) {
            throw CommandFailedException.usage("--no-passphrase contradicts --passphrase-file/--passphrase-env");
        }
        CommandFailedException.requireFilePath(output, "--output");
        Path publicFile = sibling(output, ".pub.asc");
        Path revocationFile = sibling(output, ".rev.asc");
        for (Path p : List.of(output, publicFile, revocationFile)) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw CommandFailedException.refused(p + " already exists; keygen never overwrites a key file");
            }
        }
        Optional<char[]> secret = noPassphrase ? Optional.empty() : Optional.of(passphrase.forNewKey(ctx));
        GeneratedKey key;
        try {
            key = new KeyGenerator(new SecureRandom()).generate(algorithm, userId, validity, secret, now);
        } finally {
            secret.ifPresent(p -> Arrays.fill(p, '\0'));
        }
        SecretKey secretKey = SecretKey.of(key.secret(), Inputs.POLICY);
        writeAll(List.of(
                new Out(output, secretKey.exportSecret(), true),
                new Out(publicFile, secretKey.exportCertificate(), false),
                new Out(revocationFile, Armor.encode(key.revocation().getEncoded(), Armor.Kind.PUBLIC_KEY), true)));

        ctx.out().println("fingerprint: " + secretKey.fingerprint());
        ctx.out().println("secret key:  " + output + (noPassphrase ? " (NOT protected by a passphrase)" : ""));
        ctx.out().println("certificate: " + publicFile);
        ctx.out().println("revocation:  " + revocationFile);
        ctx.out().println("Next: store the secret key and the revocation certificate offline; add the certificate "
                + "to the keyring with 'manifest-signer keyring add --keyring KEYRING " + publicFile + "'.");
        return ExitCode.OK;
    }

    private record Out(Path file, byte[] content, boolean secret) {
    }

    /** All three files or none: a half-written key set is worse than none. */
    private static void writeAll(List<Out> files) throws CommandFailedException {
        List<Path> written = new ArrayList<>();
        try {
            for (Out f : files) {
                AtomicFile.writeNew(f.file(), f.content(),
                        f.secret() ? AtomicFile.OWNER_ONLY : AtomicFile.READABLE);
                written.add(f.file());
            }
        } catch (IOException | RuntimeException e) {
            for (Path p : written) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Reported below with the original failure.
                }
            }
            if (e instanceof FileAlreadyExistsException) {
                throw CommandFailedException.refused(e.getMessage() + " already exists; keygen never overwrites a key file");
            }
            Path failed = files.get(written.size()).file();
            if (e instanceof IOException io) {
                throw CommandFailedException.cannotWrite(failed, io);
            }
            throw new CommandFailedException(ExitCode.INTERNAL, "cannot write " + failed + ": " + e, e);
        }
    }

    static void validateUserId(String userId) throws CommandFailedException {
        if (userId.isBlank()) {
            throw CommandFailedException.usage("--uid is empty: give a name and e-mail, e.g. \"Hivemind Release <release@example.org>\"");
        }
        if (userId.chars().anyMatch(Character::isISOControl)) {
            throw CommandFailedException.usage("--uid contains control characters");
        }
        if (userId.length() > 256) {
            throw CommandFailedException.usage("--uid is longer than 256 characters");
        }
    }

    static Optional<Duration> validity(String text, Instant now) throws CommandFailedException {
        if (text.equalsIgnoreCase("never")) {
            return Optional.empty();
        }
        if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
            Instant at;
            try {
                at = LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw CommandFailedException.usage("--expires: '" + text + "' is not a valid date");
            }
            if (!at.isAfter(now)) {
                throw CommandFailedException.usage("--expires: " + text + " is not in the future");
            }
            Duration validity = Duration.between(now, at);
            if (validity.compareTo(DurationConverter.MAX) > 0) {
                // OpenPGP stores key expiry as 32-bit seconds after creation; far dates would wrap around.
                throw CommandFailedException.usage("--expires: " + text + " is more than 100 years away; "
                        + "use 'never' for a key without expiry");
            }
            return Optional.of(validity);
        }
        try {
            return Optional.of(Durations.parse(text, Duration.ofSeconds(1), DurationConverter.MAX));
        } catch (IllegalArgumentException e) {
            throw CommandFailedException.usage("--expires: " + e.getMessage() + ", or a date YYYY-MM-DD, or never");
        }
    }

    /** {@code release.asc} → {@code release.pub.asc}; {@code release} → {@code release.pub.asc}. */
    static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        String base = name.endsWith(".asc") ? name.substring(0, name.length() - 4) : name;
        return file.resolveSibling(base + suffix);
    }

    static final class AlgorithmConverter implements CommandLine.ITypeConverter<KeyAlgorithm> {
        @Override
        public KeyAlgorithm convert(String value) {
            try {
                return KeyAlgorithm.fromCliName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
