package com.seglamater.hivemind.model.admin;

import java.util.Objects;

/**
 * {@code GET /admin/v1/status}: what the server says about itself to the agent.
 *
 * @param status   {@code UP}, {@code DOWN} or {@code DRAINING}, as {@code /health} reports it
 * @param version  the running server version
 * @param inFlight requests being served right now (drain waits for 0)
 */
public record ServerStatus(String status, String version, int inFlight) {

    public ServerStatus {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(version, "version");
    }
}
