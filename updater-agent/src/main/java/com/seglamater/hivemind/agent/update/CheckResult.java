package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.ops.CheckOutcome;
import com.seglamater.hivemind.agent.state.ChannelTrust;
import com.seglamater.hivemind.model.verify.StatementRejectedException;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one poll of the channel.
 *
 * @param result        what the poll found
 * @param rejection     for {@link CheckOutcome#REJECTED} (and only then), the verifier's refusal
 * @param message       one line for operators
 * @param offer         for {@link CheckOutcome#UPDATE_AVAILABLE} (and only then), the verified release to install
 * @param failedBefore  the offer is a release that was rolled back and no newer statement came since:
 *                      it is not applied automatically
 * @param warning       e.g. "channel stale or frozen"
 * @param statement     the SHA-256 of the statement judged, when there was one (refused or offered): two
 *                      results are about the same statement exactly when these are equal
 */
public record CheckResult(CheckOutcome result, Optional<StatementRejectedException> rejection, String message,
                          Optional<ChannelTrust> offer, boolean failedBefore, Optional<String> warning,
                          Optional<String> statement) {

    public CheckResult {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(rejection, "rejection");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(offer, "offer");
        Objects.requireNonNull(warning, "warning");
        Objects.requireNonNull(statement, "statement");
        if (rejection.isPresent() != (result == CheckOutcome.REJECTED)) {
            throw new IllegalArgumentException("a rejection goes with the result rejected, and only with it");
        }
        if (offer.isPresent() != (result == CheckOutcome.UPDATE_AVAILABLE)) {
            throw new IllegalArgumentException("an offer goes with the result update_available, and only with it");
        }
    }

    /** A check that found no statement to judge, or the stack up to date with it. */
    static CheckResult of(CheckOutcome result, String message, Optional<String> warning) {
        return new CheckResult(result, Optional.empty(), message, Optional.empty(), false, warning, Optional.empty());
    }

    /** @param statementSha256 the SHA-256 of the statement refused */
    static CheckResult rejected(StatementRejectedException rejection, String statementSha256, String message,
                                Optional<String> warning) {
        return new CheckResult(CheckOutcome.REJECTED, Optional.of(rejection), message, Optional.empty(), false,
                warning, Optional.of(statementSha256));
    }

    static CheckResult available(ChannelTrust offer, boolean failedBefore, String message) {
        return new CheckResult(CheckOutcome.UPDATE_AVAILABLE, Optional.empty(), message, Optional.of(offer),
                failedBefore, Optional.empty(), Optional.of(offer.sha256()));
    }

    /** For {@link CheckOutcome#REJECTED}, the verifier's stable reason code (e.g. {@code expired}). */
    public Optional<String> code() {
        return rejection.map(StatementRejectedException::code);
    }
}
