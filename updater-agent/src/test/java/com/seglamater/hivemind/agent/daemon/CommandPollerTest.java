package com.seglamater.hivemind.agent.daemon;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.ops.Operations;
import com.seglamater.hivemind.agent.testing.RecordingServer;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.OperatorCommand;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CommandPollerTest {

    /** Records which operation each command became. */
    static final class RecordingOperations implements Operations {
        final List<String> calls = new ArrayList<>();
        OperationResult answer = OperationResult.ok("check", OperationCode.UP_TO_DATE, "running 1.0.0");

        @Override
        public OperationResult check(boolean apply) {
            calls.add("check apply=" + apply);
            return answer;
        }

        @Override
        public OperationResult approve(String version) {
            calls.add("approve " + version);
            return answer;
        }

        @Override
        public OperationResult downgrade() {
            calls.add("downgrade");
            return answer;
        }

        @Override
        public OperationResult rollback() {
            calls.add("rollback");
            return answer;
        }

        @Override
        public OperationResult backup() {
            calls.add("backup");
            return answer;
        }

        @Override
        public OperationResult restore(Path dump) {
            calls.add("restore " + dump);
            return answer;
        }
    }

    private static OperatorCommand command(long id, OperatorCommand.Kind kind, Optional<String> version) {
        return new OperatorCommand(id, kind, version, "alice", Instant.parse("2026-11-20T08:00:00Z"));
    }

    @Test
    void eachKindOfCommandRunsItsOperationAndIsAcknowledgedWithTheOutcome() throws Exception {
        RecordingServer server = new RecordingServer();
        RecordingOperations ops = new RecordingOperations();
        CommandPoller poller = new CommandPoller(server, ops);

        poller.handle(command(1, OperatorCommand.Kind.CHECK_NOW, Optional.empty()));
        poller.handle(command(2, OperatorCommand.Kind.APPLY, Optional.empty()));
        poller.handle(command(3, OperatorCommand.Kind.APPLY, Optional.of("1.2.0")));
        poller.handle(command(4, OperatorCommand.Kind.APPROVE, Optional.of("1.2.0")));
        poller.handle(command(5, OperatorCommand.Kind.ROLLBACK, Optional.empty()));

        assertThat(ops.calls).containsExactly("check apply=false", "check apply=true", "approve 1.2.0",
                "approve 1.2.0", "rollback");
        assertThat(server.results).extracting(CommandResult::commandId).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(server.results).allSatisfy(r -> {
            assertThat(r.success()).isTrue();
            assertThat(r.message()).isEqualTo("running 1.0.0");
        });
    }

    @Test
    void anApprovalWithoutAVersionIsRefusedWithoutInstallingAnything() throws Exception {
        RecordingServer server = new RecordingServer();
        RecordingOperations ops = new RecordingOperations();

        new CommandPoller(server, ops).handle(command(9, OperatorCommand.Kind.APPROVE, Optional.empty()));

        assertThat(ops.calls).isEmpty();
        assertThat(server.results.get(0).success()).isFalse();
    }

    @Test
    void aLongOutcomeIsCutToWhatTheServerAccepts() throws Exception {
        RecordingServer server = new RecordingServer();
        RecordingOperations ops = new RecordingOperations();
        ops.answer = OperationResult.failed("check", OperationCode.REJECTED, "x".repeat(10_000));

        new CommandPoller(server, ops).handle(command(1, OperatorCommand.Kind.CHECK_NOW, Optional.empty()));

        assertThat(server.results.get(0).message()).hasSizeLessThanOrEqualTo(4096);
    }

    @Test
    void queuedCommandsArePolledAndTheLoopEndsWhenAsked() {
        RecordingServer server = new RecordingServer();
        server.queue.add(command(1, OperatorCommand.Kind.CHECK_NOW, Optional.empty()));
        RecordingOperations ops = new RecordingOperations();
        AtomicInteger rounds = new AtomicInteger();

        new CommandPoller(server, ops).run(() -> rounds.incrementAndGet() <= 2);

        assertThat(ops.calls).containsExactly("check apply=false");
        assertThat(server.results).hasSize(1);
    }

    @Test
    void whileTheServerIsDownThePollerBacksOffAndKeepsGoing() {
        RecordingServer server = new RecordingServer();
        server.down = true;
        AtomicInteger rounds = new AtomicInteger();
        long start = System.nanoTime();

        new CommandPoller(server, new RecordingOperations(), java.time.Duration.ofMillis(50))
                .run(() -> rounds.incrementAndGet() <= 3);

        // Three failed rounds, each followed by a doubling wait: 50 + 100 + 200 ms at least.
        assertThat(rounds.get()).isEqualTo(4);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(350_000_000L);
    }
}
