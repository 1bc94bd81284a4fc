package com.seglamater.hivemind.agent.update;

/**
 * A step of an update failed; {@link #code()} is the stable reason reported to the server and
 * shown by {@code status} ({@code backup_failed}, {@code pull_failed}, {@code recreate_failed},
 * {@code health_timeout}, {@code unhealthy}, {@code version_not_reported}, {@code handoff_failed}…).
 */
public final class StepFailedException extends Exception {

    private final String code;

    public StepFailedException(String code, String message) {
        super(message);
        this.code = code;
    }

    public StepFailedException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
