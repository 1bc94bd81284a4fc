package com.seglamater.hivemind.agent;

/**
 * Entry point of hivemind-updater. The daemon and its commands (check, status, run, channel,
 * rollback, backup, restore) are built in the updater-agent issue; until then the jar only
 * says so, and exits with the usage-error code so no script mistakes it for a working agent.
 */
public final class Main {

    static final int EXIT_NOT_AVAILABLE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("hivemind-updater: the updater agent is not part of this build yet");
        System.exit(EXIT_NOT_AVAILABLE);
    }
}
