package com.seglamater.hivemind.agent.ops;

import java.nio.file.Path;

/**
 * What an operator can ask of the agent, from the CLI, the control socket or the server's
 * command queue. The daemon runs each on its single worker, so two never overlap; without a
 * daemon the CLI runs them itself under the agent lock. None throws: every outcome, failures
 * included, is an {@link OperationResult}.
 */
public interface Operations {

    /** Polls the channel now; with {@code apply}, installs what it finds (also a release awaiting approval or one that failed before). */
    OperationResult check(boolean apply);

    /** Installs the channel's current release if it is {@code version} (an admin's approval). */
    OperationResult approve(String version);

    /**
     * Polls the channel now and installs its release even if it is older than what runs: the
     * operator's explicit downgrade (DESIGN.md rule 5). Every other rule still holds.
     */
    OperationResult downgrade();

    /** Returns to the previously installed release. */
    OperationResult rollback();

    /** Dumps the database into the backup directory (the same dump an update takes first). */
    OperationResult backup();

    /** Restores a dump; a dump of the current state is taken first. */
    OperationResult restore(Path dump);
}
