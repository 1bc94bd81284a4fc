package com.seglamater.hivemind.agent.compose;

import java.util.Objects;
import java.util.Optional;

/**
 * What Docker says about one service's container.
 *
 * @param service compose service name
 * @param exists  whether a container of the service exists at all
 * @param running whether it is running
 * @param health  its health check status ({@code starting}, {@code healthy}, {@code unhealthy}),
 *                empty when the image defines no health check
 * @param image   the image reference the container was created from ({@code .Config.Image})
 */
public record ContainerState(String service, boolean exists, boolean running, Optional<String> health,
                             Optional<String> image) {

    public ContainerState {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(image, "image");
    }

    public static ContainerState absent(String service) {
        return new ContainerState(service, false, false, Optional.empty(), Optional.empty());
    }

    /** Running, and healthy if it has a health check. */
    public boolean ready() {
        return running && health.map("healthy"::equals).orElse(true);
    }
}
