package com.seglamater.hivemind.signer.tree;

import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.pgp.SignatureCheck;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.release.Names;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.release.StatementCodec;
import com.seglamater.hivemind.model.release.StatementFormatException;
import com.seglamater.hivemind.model.verify.VerificationPolicy;
import com.seglamater.hivemind.model.version.SemanticVersion;
import com.seglamater.hivemind.signer.tree.TreeStatement.Cause;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.function.Function;

/**
 * The release tree of DESIGN.md ("Release files") on a local disk: its paths, and reading and
 * verifying the statements in it.
 *
 * <p>Statements are verified here as signed documents: by the keyring, over the exact bytes,
 * parsed strictly, for the right channel or version. Their expiry does not matter here, because
 * the release team must be able to read, refresh and replace a channel that has gone stale.
 */
public final class ReleaseTree {

    public static final String CHANNELS = "channels";
    public static final String RELEASES = "releases";
    public static final String KEYS = "keys";
    public static final String STATEMENT = "latest.json";
    public static final String MANIFEST = "manifest.json";
    public static final String SIGNATURE_SUFFIX = ".asc";
    public static final String KEYRING = "release-keys.asc";

    private final Path root;

    public ReleaseTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path channelDir(String channel) {
        return root.resolve(CHANNELS).resolve(Names.requireChannel(channel));
    }

    public Path statement(String channel) {
        return channelDir(channel).resolve(STATEMENT);
    }

    public Path releaseDir(SemanticVersion version) {
        return root.resolve(RELEASES).resolve(version.toString());
    }

    public Path manifest(SemanticVersion version) {
        return releaseDir(version).resolve(MANIFEST);
    }

    public Path keyring() {
        return root.resolve(KEYS).resolve(KEYRING);
    }

    public static Path signatureOf(Path file) {
        return file.resolveSibling(file.getFileName() + SIGNATURE_SUFFIX);
    }

    /**
     * Why {@code dir} may not hold files of the tree, if it may not: it is a symbolic link (a
     * write would land wherever it points, outside the tree) or something other than a
     * directory. A directory that does not exist yet is fine.
     */
    public static Optional<String> notARealDirectory(Path dir) {
        if (Files.isSymbolicLink(dir)) {
            return Optional.of("is a symbolic link");
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("is not a directory");
        }
        return Optional.empty();
    }

    /** The directories under {@code channels/}, sorted; names that are not valid channels are skipped. */
    public List<String> channels() throws IOException {
        Path dir = root.resolve(CHANNELS);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                try {
                    names.add(Names.requireChannel(name));
                } catch (IllegalArgumentException e) {
                    // Not a channel this tool could have written; status does not guess.
                }
            }
        }
        names.sort(null);
        return names;
    }

    /** The channel's current statement: absent, trusted, or why not. */
    public TreeStatement readChannel(String channel, TrustedKeyring keyring, Instant now) throws IOException {
        return read(statement(channel), keyring, now, s -> s.channel().equals(channel),
                "is for channel %s, not " + channel, s -> s.channel());
    }

    /** The release's immutable manifest: absent, trusted, or why not. */
    public TreeStatement readManifest(SemanticVersion version, TrustedKeyring keyring, Instant now)
            throws IOException {
        return read(manifest(version), keyring, now, s -> s.version().toString().equals(version.toString()),
                "is for version %s, not " + version, s -> s.version().toString());
    }

    private static TreeStatement read(Path file, TrustedKeyring keyring, Instant now,
                                      Predicate<ReleaseStatement> belongs, String mismatch,
                                      Function<ReleaseStatement, String> actual)
            throws IOException {
        Path sigFile = signatureOf(file);
        Optional<byte[]> bytes = readBounded(file, StatementCodec.MAX_STATEMENT_BYTES);
        if (bytes.isEmpty()) {
            // A signature without its file means there was a statement: never start such a channel over.
            return !Files.isRegularFile(sigFile) ? new TreeStatement.Absent(file)
                    : new TreeStatement.Untrusted(file, new byte[0], Optional.empty(), Cause.MISSING,
                    file.getFileName() + " is missing but its signature " + sigFile.getFileName() + " exists");
        }
        Optional<ReleaseStatement> parsed;
        Optional<String> contentProblem;
        try {
            parsed = Optional.of(StatementCodec.parse(bytes.get()));
            contentProblem = belongs.test(parsed.get()) ? Optional.empty()
                    : Optional.of("it " + String.format(mismatch, actual.apply(parsed.get())));
        } catch (StatementFormatException e) {
            parsed = Optional.empty();
            contentProblem = Optional.of("it is malformed: " + e.getMessage());
        }
        Optional<byte[]> signature = readBounded(sigFile, DetachedSignatureVerifier.MAX_SIGNATURE_BYTES);
        if (signature.isEmpty()) {
            return new TreeStatement.Untrusted(file, bytes.get(), parsed, Cause.DAMAGED,
                    sigFile.getFileName() + " is missing");
        }
        SignatureCheck check = new DetachedSignatureVerifier(keyring, VerificationPolicy.DEFAULT_CLOCK_SKEW)
                .check(bytes.get(), signature.get(), now);
        if (check.distinctSigners() < 1) {
            boolean keysOnly = contentProblem.isEmpty()
                    && KeyTrustProblems.only(bytes.get(), signature.get(), check, keyring);
            return new TreeStatement.Untrusted(file, bytes.get(), parsed,
                    keysOnly ? Cause.KEY_NOT_TRUSTED : Cause.DAMAGED,
                    "no valid signature by a key in the keyring: " + describe(check.problems())
                            + contentProblem.map(p -> "; besides, " + p).orElse(""));
        }
        if (contentProblem.isPresent()) {
            return new TreeStatement.Untrusted(file, bytes.get(), parsed, Cause.DAMAGED,
                    "it is signed, but " + contentProblem.get());
        }
        return new TreeStatement.Trusted(file, bytes.get(), parsed.get(), check);
    }

    static String describe(List<SignatureProblem> problems) {
        return problems.isEmpty() ? "no signature"
                : problems.stream().map(SignatureProblem::describe).collect(Collectors.joining("; "));
    }

    /**
     * The file's bytes, or empty when it does not exist. A file larger than {@code limit} is
     * read only up to {@code limit + 1} bytes, which is enough for the verifier to refuse it.
     */
    public static Optional<byte[]> readBounded(Path file, int limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of(in.readNBytes(limit + 1));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
