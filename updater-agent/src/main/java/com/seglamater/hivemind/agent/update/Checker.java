package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.channel.ChannelFetch;
import com.seglamater.hivemind.agent.channel.ChannelSource;
import com.seglamater.hivemind.agent.ops.CheckOutcome;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.ChannelTrust;
import com.seglamater.hivemind.agent.state.LastCheck;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.model.verify.ExpiredStatementException;
import com.seglamater.hivemind.model.verify.StatementRejectedException;
import com.seglamater.hivemind.model.verify.StatementVerifier;
import com.seglamater.hivemind.model.verify.TrustedState;
import com.seglamater.hivemind.model.verify.VerificationRequest;
import com.seglamater.hivemind.model.verify.VerifiedStatement;
import com.seglamater.hivemind.model.version.SemanticVersion;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One poll of the channel: fetch (conditionally), verify with the shared verifier against the
 * last trusted state, and remember the statement if it is accepted. A refused statement changes
 * nothing but the record of the last check: in particular its cache validators are not kept,
 * so the next poll fetches it again (a statement published before its signature is refused
 * once, then accepted).
 *
 * <p>The bytes of the accepted statement and of its signature are kept in the data directory
 * ({@link StateStore#saveAccepted}). A 304 stands for them, and they go through the verifier
 * again, every rule included, as a TUF client reloads its trusted metadata rather than trusting
 * a remembered verdict: a signing key that expired since, a stack that lost a service, an
 * installed version below {@code minimumVersion} or above the statement's refuse it as a fresh
 * fetch would be.
 */
public final class Checker {

    static final String STALE = "channel stale or frozen";
    private static final Logger LOG = Logger.getLogger(Checker.class.getName());

    private final String channel;
    private final ChannelSource source;
    private final StatementVerifier verifier;
    private final StateStore store;
    private final Supplier<Set<String>> knownServices;
    private final Clock clock;
    private final OfferedNotes notes;
    /** Whether conditional polls may be made: a statement verified in this process, and its copy verifies still. */
    private boolean verifiedSinceStart;

    /**
     * @param knownServices the stack's compose services (read at each check: the verifier
     *                      refuses statements naming services the stack does not have)
     * @param notes         where the notes of each statement accepted go, for the status reports
     */
    public Checker(String channel, ChannelSource source, StatementVerifier verifier, StateStore store,
                   Supplier<Set<String>> knownServices, Clock clock, OfferedNotes notes) {
        this.channel = channel;
        this.source = source;
        this.verifier = verifier;
        this.store = store;
        this.knownServices = knownServices;
        this.clock = clock;
        this.notes = notes;
    }

    public String channel() {
        return channel;
    }

    public CheckResult check() throws StateException {
        return check(false);
    }

    /**
     * @param allowDowngrade an operator explicitly asked to install the channel's release even if it
     *                       is older than what runs (rule 5's exception); every other rule still holds
     */
    public CheckResult check(boolean allowDowngrade) throws StateException {
        return check(allowDowngrade, false);
    }

    /**
     * @param fresh fetch unconditionally, so the statement is verified again with every rule against
     *              the stack as it is now (an operator's apply, approval or downgrade)
     */
    public CheckResult check(boolean allowDowngrade, boolean fresh) throws StateException {
        AgentState state = store.load();
        Optional<ChannelTrust> trust = state.trust(channel);
        Optional<SemanticVersion> installed = state.installed().map(r -> SemanticVersion.parse(r.version()));
        // The first poll of a process is unconditional: what was accepted before is verified again
        // with this process's keyring (a key revoked in a new agent image withdraws it). A later poll
        // is conditional only when the accepted statement's copy is there to verify a 304 with.
        Optional<StateStore.AcceptedStatement> held = verifiedSinceStart && !fresh && trust.isPresent()
                ? store.accepted(channel) : Optional.empty();
        ChannelFetch fetch = source.fetch(channel, held.isPresent() ? trust.get().validators()
                : ChannelFetch.Validators.NONE);
        Instant now = clock.instant();
        CheckResult result = switch (fetch) {
            case ChannelFetch.NotModified ignored -> held.isPresent()
                    ? verify(state, trust, installed, held.get().statement(), Optional.of(held.get().signature()),
                    trust.get().validators(), false, allowDowngrade, now)
                    : CheckResult.of(CheckOutcome.UNREACHABLE,
                            "the release host answered 304 Not Modified to an unconditional request", Optional.empty());
            case ChannelFetch.NoRelease none -> CheckResult.of(CheckOutcome.NO_RELEASE,
                    trust.isEmpty() ? "channel " + channel + " has no release yet"
                            : "the release host serves no statement for " + channel + " any more (HTTP "
                            + none.httpStatus() + ")", trust.map(t -> withdrawn(t, now)));
            case ChannelFetch.Unreachable u -> CheckResult.of(CheckOutcome.UNREACHABLE,
                    "release host unreachable: " + u.reason(), trust.flatMap(t -> staleWarning(t, now)));
            case ChannelFetch.Fetched f -> verify(state, trust, installed, f.statement(), f.signature(),
                    f.validators(), true, allowDowngrade, now);
        };
        state = store.load();
        store.save(state.withLastCheck(new LastCheck(now, result.result(), result.code(), result.message(),
                result.offer().map(ChannelTrust::version), result.warning())));
        LOG.info(() -> "check of " + channel + ": " + result.result() + " (" + result.message() + ")");
        return result;
    }

    /**
     * @param fetched the bytes came from the host (false: they are the copy kept, verified again for a 304)
     */
    private CheckResult verify(AgentState state, Optional<ChannelTrust> trust, Optional<SemanticVersion> installed,
                               byte[] statement, Optional<byte[]> signature, ChannelFetch.Validators validators,
                               boolean fetched, boolean allowDowngrade, Instant now) throws StateException {
        TrustedState trusted = trust
                .map(t -> new TrustedState(channel, t.sequence(), Optional.of(t.sha256()), installed))
                .orElse(TrustedState.initial(channel, installed));
        VerifiedStatement verified;
        try {
            verified = verifier.verify(new VerificationRequest(statement, signature, channel, trusted,
                    knownServices.get(), allowDowngrade));
        } catch (ExpiredStatementException e) {
            if (trust.isPresent() && trust.get().sha256().equals(StatementVerifier.sha256(statement))) {
                return stale(state, trust.get(), e); // the statement held, expired since
            }
            return CheckResult.rejected(e, StatementVerifier.sha256(statement), e.getMessage(), Optional.of(STALE
                    + ": the newest statement on " + channel + " expired at " + e.expires()
                    + " and nothing newer was published"));
        } catch (StatementRejectedException e) {
            if (!fetched) {
                // The copy kept no longer passes (a key expired, the copy was damaged…): fetch afresh next time.
                verifiedSinceStart = false;
            }
            return CheckResult.rejected(e, StatementVerifier.sha256(statement), e.getMessage(), Optional.empty());
        }
        verifiedSinceStart = true;
        notes.remember(verified.statement().version().toString(), verified.statement().notes());
        ChannelTrust accepted = ChannelTrust.of(verified, validators);
        if (fetched) {
            // A signature is present: rule 2 refuses a statement without one.
            store.saveAccepted(channel, statement, signature.orElseThrow());
        }
        // Rule 5 holds from now on against this sequence, whether or not the release is installed yet.
        store.save(state.withTrust(channel, accepted));
        return offer(store.load(), accepted, now);
    }

    /**
     * The statement held expired and nothing newer came (rule 4): the channel is stale or frozen. The
     * release it names stays installed if it is what runs; it is not installed otherwise.
     */
    private CheckResult stale(AgentState state, ChannelTrust trust, ExpiredStatementException e) {
        String warning = STALE + ": the statement for " + trust.version() + " on " + channel + " expired at "
                + trust.expires() + " and nothing newer was published";
        boolean current = state.installed().map(r -> r.version().equals(trust.version())).orElse(false);
        return current
                ? CheckResult.of(CheckOutcome.UP_TO_DATE, "running " + trust.version(), Optional.of(warning))
                : CheckResult.rejected(e, trust.sha256(), warning, Optional.of(warning));
    }

    /** A channel that had a statement and now has none: a withdrawal, or a host serving something else. */
    private String withdrawn(ChannelTrust trust, Instant now) {
        return staleWarning(trust, now).orElse("the statement accepted last on " + channel + " (" + trust.version()
                + ", sequence " + trust.sequence() + ") is no longer served");
    }

    /** While the host serves nothing or cannot be reached: a warning once the statement held has expired (rule 4). */
    private Optional<String> staleWarning(ChannelTrust trust, Instant now) {
        if (!verifier.policy().expired(trust.expires(), now)) {
            return Optional.empty();
        }
        return Optional.of(STALE + ": the statement for " + trust.version() + " on " + channel + " expired at "
                + trust.expires() + " and nothing newer was published");
    }

    /** What a verified statement means for this installation; the verifier has applied every rule. */
    private CheckResult offer(AgentState state, ChannelTrust trust, Instant now) {
        Optional<Release> installed = state.installed();
        boolean same = installed.map(r -> r.version().equals(trust.version()) && r.images().equals(trust.images()))
                .orElse(false);
        if (same) {
            return CheckResult.of(CheckOutcome.UP_TO_DATE, "running " + trust.version() + ", the current release of "
                    + channel, Optional.empty());
        }
        boolean failedBefore = state.failed().map(f -> f.holdsBack(channel, trust, now)).orElse(false);
        String message = failedBefore
                ? "release " + trust.version() + " was rolled back (" + state.failed().get().reason()
                + "); it is not applied again until " + state.failed().get().retryAfter().map(t -> t + " or until ")
                .orElse("") + channel + " publishes another release"
                : "release " + trust.version() + " is available" + installed.map(r -> " (running " + r.version() + ")").orElse("");
        return CheckResult.available(trust, failedBefore, message);
    }
}
