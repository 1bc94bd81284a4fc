package com.seglamater.hivemind.agent.server;

/** The admin socket or /health could not be reached or gave an answer the agent cannot use. */
public class ServerUnavailableException extends Exception {

    public ServerUnavailableException(String message) {
        super(message);
    }

    public ServerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
