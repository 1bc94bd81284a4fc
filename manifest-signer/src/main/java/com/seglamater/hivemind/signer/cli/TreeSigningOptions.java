package com.seglamater.hivemind.signer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/** Options of the commands that sign a channel statement into a release tree: publish, promote, refresh. */
public final class TreeSigningOptions {

    /** Shortest validity: a statement has to survive its upload and the agents' polling interval. */
    static final Duration MIN_EXPIRES_IN = Duration.ofHours(1);
    /** Longest validity: beyond a year, expiry no longer limits a freeze attack in any useful way. */
    static final Duration MAX_EXPIRES_IN = Duration.ofDays(365);

    @Option(names = "--tree", required = true, paramLabel = "DIR", description = "Root of the release tree.")
    Path tree;

    @Option(names = "--secret-key", required = true, paramLabel = "FILE", description = "Armored secret key.")
    Path secretKey;

    @Mixin
    PassphraseOptions passphrase;

    // Required: the tree's own copy may be stale (it would still trust a key revoked since).
    @Option(names = "--keyring", required = true, paramLabel = "FILE",
            description = "Keyring agents trust (required): everything is checked against it, and it is copied "
                    + "into the tree.")
    Path keyring;

    @Option(names = "--expires-in", paramLabel = "DURATION", defaultValue = "21d",
            converter = ExpiresIn.class,
            description = "Validity of the new statement, from 1h to 365d (default 21d); refresh before it runs out.")
    Duration expiresIn;

    /** A duration within {@link #MIN_EXPIRES_IN} and {@link #MAX_EXPIRES_IN}; anything else is a usage error. */
    public static final class ExpiresIn implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = new DurationConverter().convert(value);
            if (d.compareTo(MIN_EXPIRES_IN) < 0 || d.compareTo(MAX_EXPIRES_IN) > 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is outside the allowed range: "
                        + "--expires-in must be from 1h to 365d");
            }
            return d;
        }
    }
}
