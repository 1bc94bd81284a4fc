package com.seglamater.hivemind.signer.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/** Options of the commands that sign a channel statement into a release tree: publish, promote, refresh. */
public final class TreeSigningOptions {

    @Option(names = "--tree", required = true, paramLabel = "DIR", description = "Root of the release tree.")
    Path tree;

    @Option(names = "--secret-key", required = true, paramLabel = "FILE", description = "Armored secret key.")
    Path secretKey;

    @Mixin
    PassphraseOptions passphrase;

    @Option(names = "--keyring", paramLabel = "FILE",
            description = "Keyring agents trust (default: DIR/keys/release-keys.asc); copied into the tree.")
    Path keyring;

    @Option(names = "--expires-in", paramLabel = "DURATION", defaultValue = "21d",
            converter = Durations.Converter.class,
            description = "Validity of the new statement (default 21d); refresh before it runs out.")
    Duration expiresIn;
}
