package com.seglamater.hivemind.agent.daemon;

import com.seglamater.hivemind.agent.Agent;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.testing.Engine;
import com.seglamater.hivemind.agent.testing.TreeSource;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.seglamater.hivemind.agent.testing.FakeStack.SERVER;
import static com.seglamater.hivemind.agent.testing.FakeStack.UPDATER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An update started from outside the daemon's loop (the control socket of a forced check, a
 * queued command) hands off while the loop sleeps for its poll interval; if the one-off dies
 * before replacing this container, the daemon still notices within its hand-off watch, not at
 * the next poll an hour later, and rolls the update back.
 */
@Timeout(60)
class HandoffWatchTest {

    @TempDir
    Path dir;

    @Test
    void aOneOffThatDiesAfterAHandoffStartedOutsideTheLoopIsNoticedWithinTheWatch() throws Exception {
        ReleaseFixture release = new ReleaseFixture(Files.createDirectories(dir.resolve("release")));
        Engine engine = new Engine(dir.resolve("agent"));
        Map<String, String> v1 = engine.release("1.0.0", 'a', "4");
        Map<String, String> v2 = engine.release("1.1.0", 'b', "4");
        engine.installed("1.0.0", v1);
        engine.server.down = true; // no command queue: the poller backs off quietly
        Agent agent = engine.agent(AgentConfig.Approval.AUTO, new TreeSource(release.tree), release.trustedKeyring());
        Daemon daemon = new Daemon(agent, new CommandPoller(engine.server, agent), new Schedule(Duration.ofHours(1), () -> 0.5),
                List.of(), Duration.ofMillis(50));
        Thread loop = Thread.ofPlatform().start(() -> {
            try {
                daemon.run();
            } catch (InterruptedException ignored) {
                // stopped
            }
        });
        try {
            // The loop's first check finds an empty channel; it then sleeps for the hour.
            await(() -> engine.store.load().lastCheck().isPresent());
            release.publishOk("canary", "1.1.0", "--image", SERVER + "=" + v2.get(SERVER), "--image", UPDATER + "=" + v2.get(UPDATER));

            assertThat(agent.check(true).code()).as("as the control socket asks").isEqualTo(OperationCode.HANDING_OFF);
            engine.stack.runningOneOffs.clear(); // the one-off died before replacing the updater

            await(() -> engine.store.journal().isEmpty());
            assertThat(engine.store.load().installed().map(Release::version)).contains("1.0.0");
            assertThat(engine.stack.imageOf(SERVER)).contains(v1.get(SERVER));
            assertThat(engine.server.eventKinds()).contains("rolled-back");
        } finally {
            daemon.stop();
            loop.join(Duration.ofSeconds(10));
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (!condition.holds()) {
            assertThat(Instant.now()).as("condition within 20 s").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
