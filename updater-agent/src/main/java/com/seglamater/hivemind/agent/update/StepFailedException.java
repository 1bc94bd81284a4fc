package com.seglamater.hivemind.agent.update;

/** A step of an update failed; {@link #code()} is the stable reason reported to the server and shown by {@code status}. */
public final class StepFailedException extends Exception {

    private final FailureCode code;

    public StepFailedException(FailureCode code, String message) {
        super(message);
        this.code = code;
    }

    public StepFailedException(FailureCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public FailureCode code() {
        return code;
    }
}
