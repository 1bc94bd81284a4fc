package com.seglamater.hivemind.server;

/**
 * Entry point of hivemind-server. The server is built in the server-core issue; until then
 * the jar only says so, and exits with the usage-error code so nothing mistakes it for a
 * running server.
 */
public final class Main {

    static final int EXIT_NOT_AVAILABLE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("hivemind-server: the server is not part of this build yet");
        System.exit(EXIT_NOT_AVAILABLE);
    }
}
