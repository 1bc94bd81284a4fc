package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.state.ChannelTrust;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one poll of the channel.
 *
 * @param result        {@code up_to_date}, {@code update_available}, {@code no_release},
 *                      {@code unreachable} or {@code rejected} (AgentStatus.lastCheckResult)
 * @param code          for {@code rejected}, the verifier's reason (e.g. {@code expired})
 * @param message       one line for operators
 * @param offer         for {@code update_available}, the verified release to install
 * @param failedBefore  the offer is a release that was rolled back and no newer statement came since:
 *                      it is not applied automatically
 * @param warning       e.g. "channel stale or frozen"
 */
public record CheckResult(String result, Optional<String> code, String message, Optional<ChannelTrust> offer,
                          boolean failedBefore, Optional<String> warning) {

    public static final String UP_TO_DATE = "up_to_date";
    public static final String UPDATE_AVAILABLE = "update_available";
    public static final String NO_RELEASE = "no_release";
    public static final String UNREACHABLE = "unreachable";
    public static final String REJECTED = "rejected";

    public CheckResult {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(offer, "offer");
        Objects.requireNonNull(warning, "warning");
    }
}
