package com.seglamater.hivemind.model.verify;

import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.pgp.SignatureCheck;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.release.StatementCodec;
import com.seglamater.hivemind.model.release.StatementFormatException;
import com.seglamater.hivemind.model.version.SemanticVersion;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The acceptance rules of DESIGN.md, as a pure function: statement bytes, signature bytes,
 * trusted keyring, clock, policy and last trusted state in; a {@link VerifiedStatement} or a
 * typed {@link StatementRejectedException} out. It performs no I/O and changes no state; the
 * caller persists {@link VerifiedStatement#nextState} only after it decided to act.
 *
 * <p>The order matters: sizes are checked before anything is parsed, and the signature over
 * the exact bytes before the JSON is read, so unauthenticated input never reaches the parser.
 */
public final class StatementVerifier {

    private final TrustedKeyring keyring;
    private final VerificationPolicy policy;
    private final Clock clock;

    public StatementVerifier(TrustedKeyring keyring, VerificationPolicy policy, Clock clock) {
        if (keyring.isEmpty()) {
            throw new IllegalArgumentException("the trusted keyring holds no key");
        }
        if (!keyring.policy().equals(policy.crypto())) {
            // Certificates are evaluated when the keyring is read; a second policy here would be ignored.
            throw new IllegalArgumentException("the keyring was read under " + keyring.policy()
                    + " but the verification policy says " + policy.crypto());
        }
        this.keyring = keyring;
        this.policy = policy;
        this.clock = clock;
    }

    public VerificationPolicy policy() {
        return policy;
    }

    public VerifiedStatement verify(VerificationRequest request) throws StatementRejectedException {
        Instant now = clock.instant();
        // Rule 1: bounded sizes.
        if (request.statement().length > StatementCodec.MAX_STATEMENT_BYTES) {
            throw new OversizedInputException("statement", StatementCodec.MAX_STATEMENT_BYTES);
        }
        if (request.signature().isPresent()
                && request.signature().get().length > DetachedSignatureVerifier.MAX_SIGNATURE_BYTES) {
            throw new OversizedInputException("signature", DetachedSignatureVerifier.MAX_SIGNATURE_BYTES);
        }
        // Rule 2: enough valid signatures by trusted, unexpired, unrevoked keys over the exact bytes.
        SignatureCheck signatures = request.signature()
                .map(signature -> new DetachedSignatureVerifier(keyring, policy.clockSkew())
                        .check(request.statement(), signature, now))
                .orElseGet(() -> new SignatureCheck(List.of(), List.of(new SignatureProblem.Missing())));
        if (signatures.distinctSigners() < policy.threshold()) {
            throw new SignatureRejectedException(policy.threshold(), signatures.valid(), signatures.problems());
        }
        // Rule 3: strict parse, channel binding, known services.
        ReleaseStatement statement;
        try {
            statement = StatementCodec.parse(request.statement());
        } catch (StatementFormatException e) {
            throw new MalformedStatementException(e.getMessage());
        }
        if (!statement.channel().equals(request.channel())) {
            throw new ChannelMismatchException(request.channel(), statement.channel());
        }
        if (!request.knownServices().isEmpty()) {
            Set<String> unknown = new TreeSet<>(statement.images().keySet());
            unknown.removeAll(request.knownServices());
            if (!unknown.isEmpty()) {
                throw new UnknownServiceException(unknown, request.knownServices());
            }
        }
        // Rule 4: freshness.
        if (policy.expired(statement.expires(), now)) {
            throw new ExpiredStatementException(statement.expires(), now, policy.clockSkew());
        }
        // Rule 5: no rollback of the sequence, no equivocation, no version downgrade.
        TrustedState trusted = request.trusted();
        String sha256 = sha256(request.statement());
        if (statement.sequence() < trusted.sequence()) {
            throw new SequenceRollbackException(trusted.sequence(), statement.sequence());
        }
        boolean unchanged = false;
        if (statement.sequence() == trusted.sequence()) {
            String trustedSha = trusted.statementSha256().orElse("");
            if (!trustedSha.equals(sha256)) {
                throw new ConflictingStatementException(statement.sequence(), trustedSha, sha256);
            }
            unchanged = true;
        }
        if (trusted.installedVersion().isPresent() && !request.allowDowngrade()) {
            SemanticVersion installed = trusted.installedVersion().get();
            if (statement.version().isOlderThan(installed)) {
                throw new VersionRollbackException(installed, statement.version());
            }
        }
        // Rule 6: the installed version may move to this one directly.
        if (trusted.installedVersion().isPresent() && statement.minimumVersion().isPresent()) {
            SemanticVersion installed = trusted.installedVersion().get();
            if (installed.isOlderThan(statement.minimumVersion().get())) {
                throw new MinimumVersionException(installed, statement.minimumVersion().get());
            }
        }
        return new VerifiedStatement(statement, sha256, signatures.valid(), unchanged);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
