package com.seglamater.hivemind.agent.daemon;

import com.seglamater.hivemind.agent.Agent;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.ops.OperationCode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code hivemind-updater run}: resume what a previous process left, then poll the channel on a
 * jittered schedule (backing off while the release host is unreachable) and serve the server's
 * command queue, until stopped. Nothing in the loop can end it but a stop: every failure is
 * an outcome that is logged and reported.
 */
public final class Daemon {

    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    /** While handing over, how often this process checks that the new updater is really taking over. */
    static final Duration HANDOFF_WATCH = Duration.ofSeconds(30);

    private final Agent agent;
    private final CommandPoller commands;
    private final Schedule schedule;
    private final List<AutoCloseable> services;
    private final Duration handoffWatch;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * @param services started by the caller (report delivery, control socket); closed when the daemon stops
     */
    public Daemon(Agent agent, CommandPoller commands, Schedule schedule, List<AutoCloseable> services) {
        this(agent, commands, schedule, services, HANDOFF_WATCH);
    }

    Daemon(Agent agent, CommandPoller commands, Schedule schedule, List<AutoCloseable> services, Duration handoffWatch) {
        this.agent = agent;
        this.commands = commands;
        this.schedule = schedule;
        this.services = List.copyOf(services);
        this.handoffWatch = handoffWatch;
    }

    /** Blocks until {@link #stop()}. */
    public void run() throws InterruptedException {
        agent.resume().ifPresent(r -> LOG.info(() -> "unfinished update: " + r.code() + ": " + r.message()));
        Thread poller = Thread.ofPlatform().name("command-poller").daemon().start(() -> commands.run(() -> running));
        int failures = 0;
        try {
            while (running) {
                if (agent.handingOff()) {
                    watchHandoff();
                } else {
                    OperationResult result = agent.check(false);
                    failures = result.code() == OperationCode.UNREACHABLE ? failures + 1 : 0;
                }
                if (pause(agent.handingOff() ? handoffWatch : schedule.next(failures))) {
                    break;
                }
            }
        } finally {
            running = false;
            poller.interrupt();
            for (AutoCloseable service : services) {
                try {
                    service.close();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "stopping " + service + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * Waits {@code wait}, or less once a hand-off has begun: an update started from the control
     * socket or a queued command (not by this loop) may hand off while the loop sleeps for a poll
     * interval, and a one-off that dies must still be noticed within {@link #HANDOFF_WATCH}.
     *
     * @return whether the daemon was stopped meanwhile
     */
    private boolean pause(Duration wait) throws InterruptedException {
        long due = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = due - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (stop.await(Math.min(left, handoffWatch.toNanos()), TimeUnit.NANOSECONDS)) {
                return true;
            }
            if (agent.handingOff()) {
                return false;
            }
        }
    }

    /**
     * This process started the one-off that replaces its container and expects to be stopped by
     * it. If the one-off died before doing so, the journal is still at HANDOFF with this container
     * on the old image: resume rolls the update back.
     */
    private void watchHandoff() {
        agent.watchHandoff().ifPresent(r -> LOG.info(() -> "handoff: " + r.code() + ": " + r.message()));
    }

    public void stop() {
        running = false;
        stop.countDown();
    }
}
