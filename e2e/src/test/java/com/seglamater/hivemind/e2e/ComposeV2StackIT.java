package com.seglamater.hivemind.e2e;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The stack's whole life with compose v2 on the host (`docker compose`), as Debian 13 ships it. */
class ComposeV2StackIT extends StackLifecycle {
    ComposeV2StackIT() {
        super(Stack.Flavor.V2, 87);
    }

    /** The runbook does not depend on the compose flavor: it runs once, here. */
    @Test
    @Order(8)
    void anInstallationOnTheEmbeddedDatabaseMovesIntoTheStack() throws Exception {
        moveFromTheEmbeddedDatabase();
    }
}
