package com.seglamater.hivemind.model.verify;

import com.seglamater.hivemind.model.release.Names;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One statement to verify and what it is verified against.
 *
 * @param statement      the exact bytes fetched
 * @param signature      the exact bytes of the armored detached signature file; empty when there is
 *                       no such file (the host answered 404), which rule 2 refuses as "missing" —
 *                       a file of zero bytes is present and "empty"
 * @param channel        the channel the agent follows
 * @param trusted        the last trusted state on that channel; when it knows no installed version
 *                       (a first install), the version-rollback and minimumVersion rules have
 *                       nothing to compare with and do not apply
 * @param knownServices  compose services the stack has; empty means "do not check" — an agent
 *                       always passes its stack's services
 * @param allowDowngrade an operator explicitly asked to move to an older version
 */
public record VerificationRequest(byte[] statement, Optional<byte[]> signature, String channel, TrustedState trusted,
                                  Set<String> knownServices, boolean allowDowngrade) {

    public VerificationRequest {
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(signature, "signature");
        Names.requireChannel(channel);
        Objects.requireNonNull(trusted, "trusted");
        if (!trusted.channel().equals(channel)) {
            throw new IllegalArgumentException("trusted state is for channel '" + trusted.channel()
                    + "', not '" + channel + "'");
        }
        knownServices = Set.copyOf(knownServices);
    }

    /** A request with a signature file. */
    public VerificationRequest(byte[] statement, byte[] signature, String channel, TrustedState trusted,
                               Set<String> knownServices, boolean allowDowngrade) {
        this(statement, Optional.of(signature), channel, trusted, knownServices, allowDowngrade);
    }

    /** A request with no service check and no downgrade: for tools that verify a tree, not a stack. */
    public static VerificationRequest of(byte[] statement, byte[] signature, TrustedState trusted) {
        return new VerificationRequest(statement, signature, trusted.channel(), trusted, Set.of(), false);
    }
}
