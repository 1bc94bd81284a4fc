package com.seglamater.hivemind.e2e;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The stack's whole life with compose v2 on the host (`docker compose`), as Debian 13 ships it. */
class ComposeV2StackIT extends StackLifecycle {
    ComposeV2StackIT() {
        super(Stack.Flavor.V2, 87);
    }

    /**
     * SIGKILL at each step of an update, held there by the agent's fault injection: once, with v2,
     * to bound the run's time (v1 keeps the single kill of step 6).
     */
    @Test
    @Order(7)
    void anUpdaterKilledAtEachStepOfAnUpdateConvergesOnAWholeRelease() throws Exception {
        killedAtEachFaultPoint();
    }

    /** The runbook does not depend on the compose flavor: it runs once, here. */
    @Test
    @Order(9)
    void anInstallationOnTheEmbeddedDatabaseMovesIntoTheStack() throws Exception {
        moveFromTheEmbeddedDatabase();
    }
}
