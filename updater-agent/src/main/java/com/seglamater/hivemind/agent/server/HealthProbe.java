package com.seglamater.hivemind.agent.server;

import java.util.Optional;

/** {@code GET /health} of the server's main listener. */
public interface HealthProbe {

    /**
     * One probe, bounded in time.
     *
     * @throws ServerUnavailableException when nothing answered
     */
    Health probe() throws ServerUnavailableException;

    /**
     * What {@code /health} said.
     *
     * @param httpStatus the HTTP status (200 when serving)
     * @param status     the {@code status} field ({@code UP}, {@code DOWN}, {@code DRAINING}), if the body had one
     * @param version    the {@code version} field, if the body had one
     */
    record Health(int httpStatus, Optional<String> status, Optional<String> version) {

        public boolean serving(String expectedVersion) {
            return httpStatus == 200 && status.map("UP"::equals).orElse(false)
                    && version.map(expectedVersion::equals).orElse(false);
        }
    }
}
