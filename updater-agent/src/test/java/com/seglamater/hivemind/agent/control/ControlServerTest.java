package com.seglamater.hivemind.agent.control;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.testing.ScriptedOperations;
import com.seglamater.hivemind.agent.testing.ShortTempDir;
import com.seglamater.hivemind.model.admin.AdminJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlServerTest {

    private final ShortTempDir dir = new ShortTempDir();
    private final ScriptedOperations operations = new ScriptedOperations();

    @AfterEach
    void cleanUp() throws IOException {
        dir.close();
    }

    private static OperationResult parse(String answer) throws IOException {
        assertThat(answer).endsWith("\n").hasLineCount(1);
        return AdminJson.mapper().readValue(answer, OperationResult.class);
    }

    @Test
    void theSocketIsOwnerOnlyAndNothingElseIsLeftInTheDataDirectory() throws IOException {
        try (ControlServer server = ControlServer.start(dir.path(), operations)) {
            assertThat(server.socket()).isEqualTo(dir.resolve("control.sock"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())))
                    .isEqualTo("rw-------");
            try (var files = Files.list(dir.path())) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("control.sock");
            }
        }
    }

    @Test
    void dispatchesEachOperationAndAnswersItsResultOnOneLine() throws IOException {
        operations.answering(call -> OperationResult.ok(call.split(" ")[0], OperationCode.NOTHING_TO_DO, "did " + call).withVersion("1.2.3"));
        try (ControlServer server = ControlServer.start(dir.path(), operations)) {
            Path socket = server.socket();
            assertThat(parse(RawClient.exchange(socket, "{\"operation\":\"check\",\"apply\":true}\n")))
                    .isEqualTo(OperationResult.ok("check", OperationCode.NOTHING_TO_DO, "did check apply=true").withVersion("1.2.3"));
            assertThat(parse(RawClient.exchange(socket, "{\"operation\":\"check\",\"apply\":false}\n")).message())
                    .isEqualTo("did check apply=false");
            assertThat(parse(RawClient.exchange(socket, "{\"operation\":\"approve\",\"version\":\"1.3.0-rc.1\"}\n"))
                    .message()).isEqualTo("did approve 1.3.0-rc.1");
            assertThat(parse(RawClient.exchange(socket, "{\"operation\":\"rollback\"}\n")).message()).isEqualTo("did rollback");
            assertThat(parse(RawClient.exchange(socket, "{\"operation\":\"backup\"}")).message())
                    .as("a request ended by closing instead of a newline").isEqualTo("did backup");
            assertThat(parse(RawClient.exchange(socket, "{\"operation\":\"restore\",\"file\":\"/b/1.dump\"}\n")).message())
                    .isEqualTo("did restore /b/1.dump");
        }
        assertThat(operations.calls()).containsExactly("check apply=true", "check apply=false", "approve 1.3.0-rc.1",
                "rollback", "backup", "restore /b/1.dump");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "\n",
            "[]",
            "{}",
            "{\"apply\":true}",
            "{\"operation\":\"check\"}",
            "{\"operation\":\"check\",\"apply\":null}",
            "{\"operation\":\"frobnicate\"}",
            "{\"operation\":\"status\"}",
            "{\"operation\":\"check\",\"apply\":\"yes\"}",
            "{\"operation\":\"check\",\"apply\":1}",
            "{\"operation\":\"check\",\"apply\":true,\"force\":true}",
            "{\"operation\":\"check\",\"apply\":true,\"apply\":false}",
            "{\"operation\":\"backup\"} {\"operation\":\"rollback\"}",
            "{\"operation\":\"approve\"}",
            "{\"operation\":\"approve\",\"version\":\"v1.2.3\"}",
            "{\"operation\":\"approve\",\"version\":123}",
            "{\"operation\":\"restore\"}",
            "{\"operation\":\"restore\",\"file\":\"relative/dump\"}",
            "{\"operation\":\"restore\",\"file\":\"/x\u0000y\"}",
            "{\"operation\":\"rollback\",\"file\":\"/x\"}"})
    void aMalformedRequestIsAnsweredBadRequestAndRunsNothing(String request) throws IOException {
        try (ControlServer server = ControlServer.start(dir.path(), operations)) {
            OperationResult answer = parse(RawClient.exchange(server.socket(), request.endsWith("\n") ? request : request + "\n"));

            assertThat(answer.success()).isFalse();
            assertThat(answer.code()).isEqualTo(OperationCode.BAD_REQUEST);
            assertThat(answer.message()).doesNotContain("\n");
            // The server survives it.
            assertThat(parse(RawClient.exchange(server.socket(), "{\"operation\":\"backup\"}\n")).success()).isTrue();
        }
        assertThat(operations.calls()).containsExactly("backup");
    }

    @Test
    void anOversizedRequestIsAnsweredBadRequestWithoutReadingItAll() throws IOException {
        try (ControlServer server = ControlServer.start(dir.path(), operations)) {
            String noNewline = "{\"operation\":\"backup\"" + " ".repeat(10_000);
            OperationResult endless = parse(RawClient.exchange(server.socket(), noNewline));
            assertThat(endless.code()).isEqualTo(OperationCode.BAD_REQUEST);
            assertThat(endless.message()).isEqualTo("the request is larger than 4096 bytes");

            String justOver = "{\"operation\":\"backup\"}" + " ".repeat(4097 - 22) + "\n";
            assertThat(parse(RawClient.exchange(server.socket(), justOver)).code()).isEqualTo(OperationCode.BAD_REQUEST);

            String atTheLimit = "{\"operation\":\"backup\"}" + " ".repeat(4096 - 22) + "\n";
            assertThat(parse(RawClient.exchange(server.socket(), atTheLimit)).success()).isTrue();
        }
        assertThat(operations.calls()).containsExactly("backup");
    }

    @Test
    @Timeout(30) // a server that ignored its deadline would leave the client waiting for good
    void aRequestThatDoesNotArriveInTimeIsAnsweredBadRequest() throws IOException {
        Duration timeout = Duration.ofSeconds(1);
        // Once the first bytes are sent, each look at the ticker finds another whole timeout gone: the
        // first wait for more bytes is past the deadline. Not before: a server timing out before the
        // client's first write would close the socket under it ("Broken pipe" instead of the answer).
        AtomicLong ticker = new AtomicLong();
        AtomicBoolean sent = new AtomicBoolean();
        try (ControlServer server = ControlServer.start(dir.path(), operations, timeout,
                () -> sent.get() ? ticker.getAndAdd(timeout.toNanos()) : ticker.get());
             RawClient slow = new RawClient(server.socket())) {
            slow.send("{\"operation\":");
            sent.set(true);

            OperationResult answer = parse(slow.readToEnd());

            assertThat(answer.code()).isEqualTo(OperationCode.BAD_REQUEST);
            assertThat(answer.message()).isEqualTo("no complete request within 1s");
        }
        assertThat(operations.calls()).isEmpty();
    }

    @Test
    void aRequestSentInPiecesBeforeTheDeadlineIsServed() throws IOException {
        // The ticker stands still: the deadline never passes, whatever the wall clock does.
        try (ControlServer server = ControlServer.start(dir.path(), operations, Duration.ofSeconds(1), () -> 0L);
             RawClient slow = new RawClient(server.socket())) {
            slow.send("{\"operation\":");
            slow.send("\"backup\"}\n");

            OperationResult answer = parse(slow.readToEnd());

            assertThat(answer.success()).as(answer.message()).isTrue();
        }
        assertThat(operations.calls()).containsExactly("backup");
    }

    @Test
    void aConnectionClosedWithoutARequestIsAProbeAndGetsNothing() throws IOException {
        try (ControlServer server = ControlServer.start(dir.path(), operations)) {
            assertThat(RawClient.exchange(server.socket(), "")).isEmpty();
            assertThat(ControlClient.answers(dir.path())).isTrue();
        }
        assertThat(operations.calls()).isEmpty();
    }

    @Test
    void anOperationThatThrowsIsAnsweredAsAnInternalError() throws IOException {
        operations.answering(call -> {
            throw new IllegalStateException("engine bug");
        });
        try (ControlServer server = ControlServer.start(dir.path(), operations)) {
            OperationResult answer = parse(RawClient.exchange(server.socket(), "{\"operation\":\"rollback\"}\n"));

            assertThat(answer).isEqualTo(OperationResult.failed("rollback", OperationCode.INTERNAL_ERROR,
                    "the daemon failed: java.lang.IllegalStateException: engine bug"));
        }
    }

    @Test
    void aStaleSocketFileIsReplaced() throws IOException {
        Path socket = dir.resolve("control.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(ControlClient.connect(dir.path())).as("nobody answers on it").isEmpty();

        try (ControlServer server = ControlServer.start(dir.path(), operations)) {
            assertThat(parse(RawClient.exchange(server.socket(), "{\"operation\":\"backup\"}\n")).success()).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        }
    }

    @Test
    void aSocketSomeoneAnswersOnIsNotTakenOver() throws IOException {
        try (ControlServer first = ControlServer.start(dir.path(), operations)) {
            assertThatThrownBy(() -> ControlServer.start(dir.path(), new ScriptedOperations()))
                    .isInstanceOf(IOException.class)
                    .hasMessage("another updater daemon answers on " + dir.resolve("control.sock"));

            assertThat(parse(RawClient.exchange(first.socket(), "{\"operation\":\"backup\"}\n")).success()).isTrue();
        }
        assertThat(operations.calls()).containsExactly("backup");
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws IOException {
        Path notASocket = Files.writeString(dir.resolve("control.sock"), "precious");

        assertThatThrownBy(() -> ControlServer.start(dir.path(), operations)).isInstanceOf(IOException.class)
                .hasMessage(notASocket + " exists and is not a socket; move it away");
        assertThat(notASocket).hasContent("precious");
    }

    @Test
    void closingRemovesTheSocketFile() throws IOException {
        ControlServer server = ControlServer.start(dir.path(), operations);
        server.close();

        assertThat(dir.resolve("control.sock")).doesNotExist();
        assertThat(ControlClient.connect(dir.path())).isEmpty();
    }

    @Test
    void connectionsBeyondTheLimitAreAnsweredBusyAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(ControlServer.MAX_CONNECTIONS);
        operations.answering(call -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return OperationResult.ok("check", OperationCode.UP_TO_DATE, "up to date");
        });
        try (ControlServer server = ControlServer.start(dir.path(), operations);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> waiting = new ArrayList<>();
            try {
                for (int i = 0; i < ControlServer.MAX_CONNECTIONS; i++) {
                    waiting.add(pool.submit(() -> RawClient.exchange(server.socket(),
                            "{\"operation\":\"check\",\"apply\":false}\n")));
                }
                // Generous: on a loaded build machine sixteen connections can take a while to be served.
                assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();

                OperationResult refused = parse(RawClient.exchange(server.socket(),
                        "{\"operation\":\"check\",\"apply\":false}\n"));
                assertThat(refused.code()).isEqualTo(OperationCode.BUSY);
                assertThat(refused.success()).isFalse();
            } finally {
                release.countDown(); // also when an assertion failed: the pool's close waits for every task
            }
            for (Future<String> f : waiting) {
                assertThat(parse(f.get(30, TimeUnit.SECONDS)).code()).isEqualTo(OperationCode.UP_TO_DATE);
            }
        }
        assertThat(operations.calls()).hasSize(ControlServer.MAX_CONNECTIONS);
    }
}
