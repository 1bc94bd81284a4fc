package com.seglamater.hivemind.agent.control;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.testing.ScriptedOperations;
import com.seglamater.hivemind.agent.testing.ShortTempDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlClientTest {

    private final ShortTempDir dir = new ShortTempDir();

    @AfterEach
    void cleanUp() throws IOException {
        dir.close();
    }

    @Test
    void thereIsNoDaemonWithoutASocketFile() throws IOException {
        assertThat(ControlClient.connect(dir.path())).isEmpty();
        assertThat(ControlClient.answers(dir.path())).isFalse();
    }

    @Test
    void callsTheDaemonAndReadsItsResult() throws IOException {
        ScriptedOperations operations = new ScriptedOperations().answering(
                OperationResult.failed("restore", OperationCode.RESTORE_FAILED, "pg_restore exited with 1").withFile("/b/1.dump"));
        try (ControlServer server = ControlServer.start(dir.path(), operations);
             ControlClient client = ControlClient.connect(dir.path()).orElseThrow()) {
            assertThat(server.socket()).as("the daemon listens").exists();
            OperationResult result = client.call(new ControlRequest.Restore("/b/1.dump"), ControlClient.NO_TIMEOUT);

            assertThat(result).isEqualTo(OperationResult.failed("restore", OperationCode.RESTORE_FAILED, "pg_restore exited with 1")
                    .withFile("/b/1.dump"));
            assertThatThrownBy(() -> client.call(new ControlRequest.Backup(), ControlClient.NO_TIMEOUT))
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(operations.calls()).containsExactly("restore /b/1.dump");
    }

    @Test
    void aDaemonThatDoesNotAnswerInTimeIsATimeout() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedOperations operations = new ScriptedOperations().answering(call -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return OperationResult.ok("check", OperationCode.UP_TO_DATE, "up to date");
        });
        try (ControlServer server = ControlServer.start(dir.path(), operations);
             ControlClient client = ControlClient.connect(dir.path()).orElseThrow()) {
            assertThat(server.socket()).as("the daemon listens").exists();
            assertThatThrownBy(() -> client.call(new ControlRequest.Check(false), Duration.ofSeconds(1)))
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessage("the updater daemon did not answer within 1s");
        } finally {
            release.countDown();
        }
    }

    @Test
    void anAnswerThatIsNotAnOperationResultIsRefused() throws Exception {
        assertThatThrownBy(() -> callFakeDaemon("{\"operation\":\"check\",\"surprise\":1}\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("answer cannot be read");
        assertThatThrownBy(() -> callFakeDaemon("x".repeat(ControlClient.MAX_ANSWER_BYTES + 10)))
                .isInstanceOf(IOException.class)
                .hasMessage("the updater daemon's answer is larger than " + ControlClient.MAX_ANSWER_BYTES + " bytes");
        assertThatThrownBy(() -> callFakeDaemon(""))
                .isInstanceOf(IOException.class)
                .hasMessage("the updater daemon closed the connection without answering");
    }

    /** A daemon that reads the request and answers {@code answer}, whatever it is. */
    private OperationResult callFakeDaemon(String answer) throws Exception {
        Path socket = dir.resolve(ControlServer.SOCKET_FILE);
        try (ServerSocketChannel fake = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            fake.bind(UnixDomainSocketAddress.of(socket));
            Thread daemon = Thread.ofVirtual().start(() -> {
                try (SocketChannel c = fake.accept()) {
                    c.read(ByteBuffer.allocate(4096));
                    ByteBuffer out = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
                    while (out.hasRemaining()) {
                        c.write(out);
                    }
                } catch (IOException ignored) {
                    // The client gave up: what the test expects for an oversized answer.
                }
            });
            try (ControlClient client = ControlClient.connect(dir.path()).orElseThrow()) {
                return client.call(new ControlRequest.Backup(), Duration.ofSeconds(10));
            } finally {
                daemon.join();
            }
        } finally {
            java.nio.file.Files.deleteIfExists(socket);
        }
    }
}
