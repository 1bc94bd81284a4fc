package com.seglamater.hivemind.model.verify;

import com.seglamater.hivemind.model.pgp.ValidSignature;
import com.seglamater.hivemind.model.release.ReleaseStatement;

import java.util.List;
import java.util.Optional;

/**
 * A statement that passed every rule, with the signatures that made it trusted.
 *
 * @param statement the parsed statement
 * @param sha256    hex SHA-256 of the exact bytes that were verified
 * @param signers   the valid signatures
 * @param unchanged whether this is the statement already trusted (same sequence, same bytes)
 */
public record VerifiedStatement(ReleaseStatement statement, String sha256, List<ValidSignature> signers,
                                boolean unchanged) {

    public VerifiedStatement {
        signers = List.copyOf(signers);
    }

    /** The trusted state after accepting this statement (the installed version does not change here). */
    public TrustedState nextState(TrustedState previous) {
        return new TrustedState(statement.channel(), statement.sequence(), Optional.of(sha256),
                previous.installedVersion());
    }
}
