package com.seglamater.hivemind.signer.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a passphrase comes from: a file, an environment variable, or a prompt on the console.
 * A passphrase is never printed, logged or put in a message.
 */
public final class PassphraseOptions {

    private static final int MAX_PASSPHRASE_FILE_BYTES = 4096;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the passphrase from the first line of FILE.")
    Path file;

    @Option(names = "--passphrase-env", paramLabel = "VAR",
            description = "Read the passphrase from environment variable VAR.")
    String envVar;

    private static final String HOW = "pass --passphrase-file FILE or --passphrase-env VAR";

    /**
     * The passphrase to unlock an existing key. Only asked for when the key is protected;
     * without a file, variable or console the key is unusable (exit 6).
     */
    public Optional<char[]> forUnlock(boolean keyIsProtected, String keyName, Context ctx)
            throws CommandFailedException {
        Optional<char[]> given = fromOptions(ctx, ExitCode.KEY_UNUSABLE);
        if (given.isPresent() && given.get().length == 0 && keyIsProtected) {
            throw CommandFailedException.keyUnusable("the passphrase given by " + (file != null
                    ? "--passphrase-file " + file + " (its first line)" : "--passphrase-env " + envVar)
                    + " is empty, but key " + keyName + " is protected by a passphrase");
        }
        if (given.isPresent() || !keyIsProtected) {
            return given;
        }
        Terminal terminal = ctx.terminal().orElseThrow(() -> CommandFailedException.keyUnusable(
                "key " + keyName + " is protected by a passphrase and there is no console to ask for it: " + HOW));
        char[] entered = terminal.readPassword("Passphrase for " + keyName + ": ");
        if (entered == null) {
            throw CommandFailedException.keyUnusable("no passphrase entered for key " + keyName);
        }
        return Optional.of(entered);
    }

    /**
     * The passphrase to protect a new key: from a file or variable, or asked twice on the
     * console. Without any of them this is a usage error (exit 2), as is an empty passphrase.
     */
    public char[] forNewKey(Context ctx) throws CommandFailedException {
        Optional<char[]> given = fromOptions(ctx, ExitCode.USAGE);
        char[] passphrase;
        if (given.isPresent()) {
            passphrase = given.get();
        } else {
            Terminal terminal = ctx.terminal().orElseThrow(() -> CommandFailedException.usage(
                    "there is no console to ask for the new key's passphrase: " + HOW
                            + " (or --no-passphrase for an unprotected key)"));
            passphrase = terminal.readPassword("Passphrase for the new key: ");
            char[] again = terminal.readPassword("Repeat the passphrase: ");
            if (passphrase == null || again == null) {
                throw CommandFailedException.usage("no passphrase entered");
            }
            boolean same = Arrays.equals(passphrase, again);
            Arrays.fill(again, '\0');
            if (!same) {
                Arrays.fill(passphrase, '\0');
                throw CommandFailedException.usage("the two passphrases differ");
            }
        }
        if (passphrase.length == 0) {
            throw CommandFailedException.usage("the passphrase is empty: give one, or pass --no-passphrase "
                    + "to make an unprotected key explicitly");
        }
        return passphrase;
    }

    public boolean isGiven() {
        return file != null || envVar != null;
    }

    /** @param unsetExit the exit code when the named variable is not set: usage for a new key, key unusable for an existing one */
    private Optional<char[]> fromOptions(Context ctx, int unsetExit) throws CommandFailedException {
        if (file != null && envVar != null) {
            throw CommandFailedException.usage("give either --passphrase-file or --passphrase-env, not both");
        }
        if (file != null) {
            return Optional.of(readFirstLine(file));
        }
        if (envVar != null) {
            String value = ctx.env().get(envVar);
            if (value == null) {
                throw new CommandFailedException(unsetExit, "environment variable " + envVar
                        + " (--passphrase-env) is not set");
            }
            return Optional.of(value.toCharArray());
        }
        return Optional.empty();
    }

    private static char[] readFirstLine(Path file) throws CommandFailedException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_PASSPHRASE_FILE_BYTES) {
                throw CommandFailedException.input("passphrase file " + file + " is larger than "
                        + MAX_PASSPHRASE_FILE_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw CommandFailedException.input("passphrase file " + file + " does not exist");
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read passphrase file " + file + ": " + e.getMessage());
        }
        try {
            CharBuffer chars;
            try {
                // Strict: a lossy decoder would turn every invalid byte into U+FFFD, so different
                // binary passphrase files would unlock the same key.
                chars = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes));
            } catch (CharacterCodingException e) {
                throw CommandFailedException.input("passphrase file " + file + " is not UTF-8 text");
            }
            int end = 0;
            while (end < chars.limit() && chars.get(end) != '\n') {
                end++;
            }
            if (end > 0 && chars.get(end - 1) == '\r') {
                end--;
            }
            char[] line = new char[end];
            chars.get(0, line);
            Arrays.fill(chars.array(), '\0');
            return line;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
