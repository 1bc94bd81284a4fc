package com.seglamater.hivemind.e2e;

/** The stack's whole life with Debian 12's docker-compose 1.29.2 (v1) on the host. */
class ComposeV1StackIT extends StackLifecycle {
    ComposeV1StackIT() {
        super(Stack.Flavor.V1, 88);
    }
}
