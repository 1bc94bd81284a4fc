package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.compose.Compose;
import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.compose.ContainerState;
import com.seglamater.hivemind.agent.server.HealthProbe;
import com.seglamater.hivemind.agent.server.ServerUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Waits, within a bound, until a recreated service runs the image it should and is healthy:
 * its container health check (if the image has one) says healthy, and for the server,
 * {@code /health} answers 200 {@code UP} with the expected version.
 */
public final class HealthWaiter {

    static final Duration POLL = Duration.ofSeconds(2);

    private final Compose compose;
    private final HealthProbe health;
    private final String serverService;
    private final Duration timeout;
    private final Clock clock;
    private final Sleeper sleeper;

    public HealthWaiter(Compose compose, HealthProbe health, String serverService, Duration timeout, Clock clock,
                        Sleeper sleeper) {
        this.compose = compose;
        this.health = health;
        this.serverService = serverService;
        this.timeout = timeout;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * @param image   the image the container must run, if known
     * @param version for the server, the version {@code /health} must report, if known
     */
    public void await(String service, Optional<String> image, Optional<String> version)
            throws StepFailedException, InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        String last = "no container yet";
        boolean serverAnswered = false;
        while (true) {
            try {
                ContainerState state = compose.inspect(service);
                if (state.health().map("unhealthy"::equals).orElse(false)) {
                    throw new StepFailedException(FailureCode.UNHEALTHY, service + " reports unhealthy after it was recreated");
                }
                if (!state.exists()) {
                    last = "no container";
                } else if (image.isPresent() && !state.image().equals(image)) {
                    last = "runs " + state.image().orElse("an unknown image") + ", not " + image.get();
                } else if (!state.ready()) {
                    last = state.running() ? "health " + state.health().orElse("unknown") : "not running";
                } else if (!service.equals(serverService)) {
                    return;
                } else {
                    HealthProbe.Health h = health.probe();
                    serverAnswered |= h.httpStatus() == 200;
                    if (version.isEmpty() ? h.httpStatus() == 200 : h.serving(version.get())) {
                        return;
                    }
                    last = "/health answered " + h.httpStatus() + " " + h.status().orElse("") + " version "
                            + h.version().orElse("unknown");
                }
            } catch (ComposeException | ServerUnavailableException e) {
                last = e.getMessage();
            }
            if (!clock.instant().isBefore(deadline)) {
                if (serverAnswered && version.isPresent()) {
                    throw new StepFailedException(FailureCode.VERSION_NOT_REPORTED, service + " did not report version "
                            + version.get() + " within " + timeout.toSeconds() + " s (" + last + ")");
                }
                throw new StepFailedException(FailureCode.HEALTH_TIMEOUT, service + " was not healthy within "
                        + timeout.toSeconds() + " s (" + last + ")");
            }
            sleeper.sleep(POLL);
        }
    }
}
