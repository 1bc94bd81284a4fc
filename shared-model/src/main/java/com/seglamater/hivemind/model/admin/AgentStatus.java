package com.seglamater.hivemind.model.admin;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code PUT /admin/v1/update-status}: the updater agent's view of the stack, reported after
 * every check and every step of an update, and shown to operators by the server's API
 * ({@code GET /api/v1/updates}). The latest report replaces the previous one.
 *
 * @param channel          the release channel the agent follows
 * @param installedVersion the release the stack runs, if known
 * @param state            what the agent is doing
 * @param step             the journal step of an update in progress, e.g. {@code pulling}
 * @param lastCheckAt      when the channel was last checked
 * @param lastCheckResult  stable code of that check's outcome: {@code up_to_date},
 *                         {@code update_available}, {@code no_release}, {@code unreachable},
 *                         {@code rejected} (with the verifier's reason code in {@code lastError})
 * @param availableVersion a verified release newer than the installed one, if any
 * @param availableNotes   that release's notes from its statement (short text or a URL), if it has
 *                         any; left out of the JSON when absent, so that a server that predates the
 *                         field still takes the reports of a channel without notes
 * @param approvalRequired whether updates wait for an admin's approval
 * @param warning          something an operator should look at, e.g. "channel stale or frozen"
 * @param lastError        the last failure, for operators
 * @param reportedAt       when the agent made this report
 */
public record AgentStatus(String channel, Optional<String> installedVersion, State state, Optional<String> step,
                          Optional<Instant> lastCheckAt, Optional<String> lastCheckResult,
                          Optional<String> availableVersion,
                          @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> availableNotes,
                          boolean approvalRequired, Optional<String> warning,
                          Optional<String> lastError, Instant reportedAt) {

    /** What the agent is doing right now. */
    public enum State { IDLE, CHECKING, AWAITING_APPROVAL, APPLYING, ROLLING_BACK }

    public AgentStatus {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(installedVersion, "installedVersion");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(lastCheckAt, "lastCheckAt");
        Objects.requireNonNull(lastCheckResult, "lastCheckResult");
        Objects.requireNonNull(availableVersion, "availableVersion");
        Objects.requireNonNull(availableNotes, "availableNotes");
        Objects.requireNonNull(warning, "warning");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(reportedAt, "reportedAt");
    }
}
