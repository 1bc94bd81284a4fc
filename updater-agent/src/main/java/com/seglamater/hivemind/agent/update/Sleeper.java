package com.seglamater.hivemind.agent.update;

import java.time.Duration;

/** Waiting between polls of a container's health; tests pass one that advances a fake clock. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = d -> Thread.sleep(d);

    void sleep(Duration duration) throws InterruptedException;
}
