package com.seglamater.hivemind.model.admin;

/**
 * {@code POST /admin/v1/drain}: the server is draining (its {@code /health} answers 503
 * {@code DRAINING}) and this says how the wait for in-flight requests ended.
 *
 * @param idle     whether the in-flight count reached 0 within the bound
 * @param inFlight requests still being served when the call returned (0 when idle)
 */
public record DrainResult(boolean idle, int inFlight) {
}
