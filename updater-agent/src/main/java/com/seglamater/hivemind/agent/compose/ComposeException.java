package com.seglamater.hivemind.agent.compose;

/** A compose or docker command failed, timed out, or answered something the agent cannot use. */
public class ComposeException extends Exception {

    public ComposeException(String message) {
        super(message);
    }

    public ComposeException(String message, Throwable cause) {
        super(message, cause);
    }
}
