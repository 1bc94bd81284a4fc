package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.channel.ChannelFetch;
import com.seglamater.hivemind.agent.channel.ChannelSource;
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
import java.time.Duration;
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
 */
public final class Checker {

    static final String STALE = "channel stale or frozen";
    private static final Logger LOG = Logger.getLogger(Checker.class.getName());

    private final String channel;
    private final ChannelSource source;
    private final StatementVerifier verifier;
    private final StateStore store;
    private final Supplier<Set<String>> knownServices;
    private final Duration clockSkew;
    private final Clock clock;
    private final OfferedNotes notes;
    private boolean verifiedSinceStart;

    /**
     * @param knownServices the stack's compose services (read at each check: the verifier
     *                      refuses statements naming services the stack does not have)
     * @param notes         where the notes of each statement accepted go, for the status reports
     */
    public Checker(String channel, ChannelSource source, StatementVerifier verifier, StateStore store,
                   Supplier<Set<String>> knownServices, Duration clockSkew, Clock clock, OfferedNotes notes) {
        this.channel = channel;
        this.source = source;
        this.verifier = verifier;
        this.store = store;
        this.knownServices = knownServices;
        this.clockSkew = clockSkew;
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
        // with this process's keyring (a key revoked in a new agent image withdraws it).
        ChannelFetch.Validators validators = verifiedSinceStart && !fresh
                ? trust.map(ChannelTrust::validators).orElse(ChannelFetch.Validators.NONE)
                : ChannelFetch.Validators.NONE;
        ChannelFetch fetch = source.fetch(channel, validators);
        Instant now = clock.instant();
        CheckResult result = switch (fetch) {
            case ChannelFetch.NotModified ignored -> trust.isPresent()
                    ? offer(state, trust.get(), now, allowDowngrade)
                    : new CheckResult(CheckResult.UNREACHABLE, Optional.empty(),
                            "the release host answered 304 Not Modified to an unconditional request",
                            Optional.empty(), false, Optional.empty());
            case ChannelFetch.NoRelease none -> new CheckResult(CheckResult.NO_RELEASE, Optional.empty(),
                    trust.isEmpty() ? "channel " + channel + " has no release yet"
                            : "the release host serves no statement for " + channel + " any more (HTTP "
                            + none.httpStatus() + ")", Optional.empty(), false,
                    trust.map(t -> withdrawn(t, now)));
            case ChannelFetch.Unreachable u -> new CheckResult(CheckResult.UNREACHABLE, Optional.empty(),
                    "release host unreachable: " + u.reason(), Optional.empty(), false,
                    trust.flatMap(t -> staleWarning(t, now)));
            case ChannelFetch.Fetched f -> verify(state, trust, installed, f, now, allowDowngrade);
        };
        state = store.load();
        store.save(state.withLastCheck(new LastCheck(now, result.result(), result.code(), result.message(),
                result.offer().map(ChannelTrust::version), result.warning())));
        LOG.info(() -> "check of " + channel + ": " + result.result() + " (" + result.message() + ")");
        return result;
    }

    private CheckResult verify(AgentState state, Optional<ChannelTrust> trust, Optional<SemanticVersion> installed,
                               ChannelFetch.Fetched fetched, Instant now, boolean allowDowngrade)
            throws StateException {
        TrustedState trusted = trust
                .map(t -> new TrustedState(channel, t.sequence(), Optional.of(t.sha256()), installed))
                .orElse(TrustedState.initial(channel, installed));
        VerifiedStatement verified;
        try {
            verified = verifier.verify(new VerificationRequest(fetched.statement(), fetched.signature(), channel,
                    trusted, knownServices.get(), allowDowngrade));
        } catch (ExpiredStatementException e) {
            if (trust.isPresent() && trust.get().sha256().equals(StatementVerifier.sha256(fetched.statement()))) {
                return offer(state, trust.get(), now, allowDowngrade); // held, expired since: stale, as after a 304
            }
            return new CheckResult(CheckResult.REJECTED, Optional.of(e.code()), e.getMessage(), Optional.empty(),
                    false, Optional.of(STALE + ": the newest statement on " + channel + " expired at "
                    + e.expires() + " and nothing newer was published"));
        } catch (StatementRejectedException e) {
            return new CheckResult(CheckResult.REJECTED, Optional.of(e.code()), e.getMessage(), Optional.empty(),
                    false, Optional.empty());
        }
        verifiedSinceStart = true;
        notes.remember(verified.statement().version().toString(), verified.statement().notes());
        ChannelTrust accepted = ChannelTrust.of(verified, fetched.validators());
        // Rule 5 holds from now on against this sequence, whether or not the release is installed yet.
        store.save(state.withTrust(channel, accepted));
        return offer(store.load(), accepted, now, allowDowngrade);
    }

    /** A channel that had a statement and now has none: a withdrawal, or a host serving something else. */
    private String withdrawn(ChannelTrust trust, Instant now) {
        return staleWarning(trust, now).orElse("the statement accepted last on " + channel + " (" + trust.version()
                + ", sequence " + trust.sequence() + ") is no longer served");
    }

    /** Rule 4 for the statement held: once it expired with nothing newer, the channel is stale or frozen. */
    private Optional<String> staleWarning(ChannelTrust trust, Instant now) {
        if (now.isBefore(trust.expires().plus(clockSkew))) {
            return Optional.empty();
        }
        return Optional.of(STALE + ": the statement for " + trust.version() + " on " + channel + " expired at "
                + trust.expires() + " and nothing newer was published");
    }

    /** What the trusted statement means for this installation. */
    private CheckResult offer(AgentState state, ChannelTrust trust, Instant now, boolean allowDowngrade) {
        Optional<String> stale = staleWarning(trust, now);
        if (stale.isPresent()) {
            // A 304 for a statement that expired since: rule 4 applies to what we hold too.
            boolean current = state.installed().map(r -> r.version().equals(trust.version())).orElse(false);
            String warning = stale.get();
            return current
                    ? new CheckResult(CheckResult.UP_TO_DATE, Optional.empty(), "running " + trust.version(),
                    Optional.empty(), false, Optional.of(warning))
                    : new CheckResult(CheckResult.REJECTED, Optional.of("expired"), warning, Optional.empty(), false,
                    Optional.of(warning));
        }
        Optional<Release> installed = state.installed();
        boolean same = installed.map(r -> r.version().equals(trust.version()) && r.images().equals(trust.images()))
                .orElse(false);
        if (same) {
            return new CheckResult(CheckResult.UP_TO_DATE, Optional.empty(), "running " + trust.version()
                    + ", the current release of " + channel, Optional.empty(), false, Optional.empty());
        }
        Optional<SemanticVersion> running = installed.map(r -> SemanticVersion.parse(r.version()));
        if (!allowDowngrade && running.isPresent() && SemanticVersion.parse(trust.version()).isOlderThan(running.get())) {
            // Rule 5 also for a statement held from before (a 304, e.g. after a switch to a lagging channel).
            return new CheckResult(CheckResult.REJECTED, Optional.of("version_rollback"), "the channel's release "
                    + trust.version() + " is older than the installed " + running.get()
                    + " (install it with `check --apply --allow-downgrade`)", Optional.empty(), false, Optional.empty());
        }
        boolean failedBefore = state.failed().map(f -> f.holdsBack(channel, trust, now)).orElse(false);
        String message = failedBefore
                ? "release " + trust.version() + " was rolled back (" + state.failed().get().reason()
                + "); it is not applied again until " + state.failed().get().retryAfter().map(t -> t + " or until ")
                .orElse("") + channel + " publishes another release"
                : "release " + trust.version() + " is available" + installed.map(r -> " (running " + r.version() + ")").orElse("");
        return new CheckResult(CheckResult.UPDATE_AVAILABLE, Optional.empty(), message, Optional.of(trust),
                failedBefore, Optional.empty());
    }
}
