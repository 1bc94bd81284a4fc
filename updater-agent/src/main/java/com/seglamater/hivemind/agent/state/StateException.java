package com.seglamater.hivemind.agent.state;

/** The agent's own files (state, journal, pins, lock) cannot be read or written. */
public class StateException extends Exception {

    public StateException(String message) {
        super(message);
    }

    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
