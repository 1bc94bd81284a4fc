package com.seglamater.hivemind.e2e;

/** The stack's whole life with compose v2 on the host (`docker compose`), as Debian 13 ships it. */
class ComposeV2StackIT extends StackLifecycle {
    ComposeV2StackIT() {
        super(Stack.Flavor.V2, 87);
    }
}
