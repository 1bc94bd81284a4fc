package com.seglamater.hivemind.agent.state;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the agent remembers between runs ({@code state.json} in the data directory,
 * replaced atomically). An update in progress lives in the {@link Journal} instead.
 *
 * @param channels  per channel, the last accepted statement (rules 5 and 6 are per channel)
 * @param installed the release the stack runs, once the agent installed one (or learned it)
 * @param previous  the release before it: what {@code rollback} returns to
 * @param failed    the last release that was rolled back, not retried until a newer statement
 * @param lastCheck the last poll's outcome
 * @param lastError the last failure of an update, rollback, backup or restore
 */
public record AgentState(Map<String, ChannelTrust> channels, Optional<Release> installed, Optional<Release> previous,
                         Optional<FailedRelease> failed, Optional<LastCheck> lastCheck, Optional<String> lastError) {

    public static final AgentState EMPTY = new AgentState(Map.of(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    public AgentState {
        channels = Map.copyOf(channels);
        Objects.requireNonNull(installed, "installed");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(failed, "failed");
        Objects.requireNonNull(lastCheck, "lastCheck");
        Objects.requireNonNull(lastError, "lastError");
    }

    public Optional<ChannelTrust> trust(String channel) {
        return Optional.ofNullable(channels.get(channel));
    }

    public AgentState withTrust(String channel, ChannelTrust trust) {
        Map<String, ChannelTrust> next = new HashMap<>(channels);
        next.put(channel, trust);
        return new AgentState(next, installed, previous, failed, lastCheck, lastError);
    }

    public AgentState withLastCheck(LastCheck check) {
        return new AgentState(channels, installed, previous, failed, Optional.of(check), lastError);
    }

    public AgentState withLastError(Optional<String> error) {
        return new AgentState(channels, installed, previous, failed, lastCheck, error);
    }

    public AgentState withFailed(Optional<FailedRelease> release) {
        return new AgentState(channels, installed, previous, release, lastCheck, lastError);
    }

    /** {@code release} now runs; what ran before becomes {@link #previous}. */
    public AgentState withInstalled(Release release) {
        return new AgentState(channels, Optional.of(release), installed, failed, lastCheck, lastError);
    }

    /** A rollback to {@link #previous} finished: it runs again, and nothing is left to roll back to. */
    public AgentState withInstalledAndPrevious(Release release, Optional<Release> before) {
        return new AgentState(channels, Optional.of(release), before, failed, lastCheck, lastError);
    }
}
