package com.seglamater.hivemind.agent.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static com.seglamater.hivemind.agent.server.AdminClientTest.event;
import static com.seglamater.hivemind.agent.server.AdminClientTest.json;
import static com.seglamater.hivemind.agent.server.AdminClientTest.status;
import static org.assertj.core.api.Assertions.assertThat;

class OutboxTest {

    private static final ObjectMapper JSON = AdminJson.mapper();

    @TempDir
    Path dataDir;

    private final FakeLink link = new FakeLink();

    // ---- delivery and order -------------------------------------------------------------

    @Test
    void eventsMadeWhileTheServerIsDownAreDeliveredInOrderOnceItIsUp() {
        Outbox outbox = new Outbox(dataDir, link);
        IntStream.rangeClosed(1, 5).forEach(i -> outbox.event(event("evt-" + i)));

        assertThat(outbox.deliver()).isZero();
        assertThat(outbox.pending()).isTrue();

        link.up = true;
        assertThat(outbox.deliver()).isEqualTo(5);
        assertThat(link.calls).containsExactly("event evt-1", "event evt-2", "event evt-3", "event evt-4", "event evt-5");
        assertThat(outbox.pending()).isFalse();
        assertThat(outbox.deliver()).isZero();
    }

    @Test
    void theStatusIsDeliveredAfterTheEventsMadeBeforeIt() {
        Outbox outbox = new Outbox(dataDir, link);
        outbox.event(event("evt-1"));
        outbox.status(status("stable"));
        outbox.event(event("evt-2"));
        link.up = true;

        assertThat(outbox.deliver()).isEqualTo(3);

        assertThat(link.calls).containsExactly("event evt-1", "event evt-2", "status stable");
    }

    @Test
    void deliveryStopsAtTheFirstFailureAndKeepsTheRestInOrder() {
        Outbox outbox = new Outbox(dataDir, link);
        IntStream.rangeClosed(1, 3).forEach(i -> outbox.event(event("evt-" + i)));
        outbox.status(status("stable"));
        link.up = true;
        link.failure = e -> e.id().equals("evt-2") ? new ServerUnavailableException("restarting") : null;

        assertThat(outbox.deliver()).isEqualTo(1);
        assertThat(link.calls).containsExactly("event evt-1");
        assertThat(outbox.queuedEvents()).isEqualTo(2);

        link.failure = e -> null;
        assertThat(outbox.deliver()).isEqualTo(3);
        assertThat(link.calls).containsExactly("event evt-1", "event evt-2", "event evt-3", "status stable");
    }

    @Test
    void theNewestStatusReplacesOneNotYetDelivered() {
        Outbox outbox = new Outbox(dataDir, link);
        outbox.status(status("first"));
        outbox.status(status("second"));
        link.up = true;

        assertThat(outbox.deliver()).isEqualTo(1);

        assertThat(link.calls).containsExactly("status second");
    }

    @Test
    void aStatusMadeWhileTheOlderOneIsBeingSentIsNotLost() {
        Outbox outbox = new Outbox(dataDir, link);
        link.up = true;
        link.duringStatus = s -> {
            if (s.channel().equals("first")) {
                outbox.status(status("second"));
            }
        };
        outbox.status(status("first"));

        outbox.deliver();
        assertThat(outbox.pending()).isTrue();
        outbox.deliver();

        assertThat(link.calls).containsExactly("status first", "status second");
        assertThat(outbox.pending()).isFalse();
    }

    @Test
    void aReportTheServerRefusesForGoodIsDroppedInsteadOfBlockingTheQueue() {
        Outbox outbox = new Outbox(dataDir, link);
        IntStream.rangeClosed(1, 3).forEach(i -> outbox.event(event("evt-" + i)));
        link.up = true;
        link.failure = e -> e.id().equals("evt-2")
                ? new ServerRefusedException("400 invalid_field", 400, Optional.of("invalid_field")) : null;

        assertThat(outbox.deliver()).isEqualTo(2);

        assertThat(link.calls).containsExactly("event evt-1", "event evt-3");
        assertThat(outbox.pending()).isFalse();
        assertThat(eventFiles()).isEmpty();
    }

    @Test
    void aRefusalThatMayPassLaterKeepsTheReport() {
        Outbox outbox = new Outbox(dataDir, link);
        outbox.event(event("evt-1"));
        link.up = true;
        for (int status : new int[] {401, 404, 409, 429}) {
            link.failure = e -> new ServerRefusedException("refused", status, Optional.empty());
            assertThat(outbox.deliver()).isZero();
            assertThat(outbox.queuedEvents()).as("after %d", status).isEqualTo(1);
        }
    }

    // ---- the disk -----------------------------------------------------------------------

    @Test
    void reportsSurviveAnAgentRestart() {
        Outbox before = new Outbox(dataDir, link);
        IntStream.rangeClosed(1, 3).forEach(i -> before.event(event("evt-" + i)));
        before.status(status("first"));
        before.status(status("second"));

        Outbox after = new Outbox(dataDir, link);
        link.up = true;

        assertThat(after.queuedEvents()).isEqualTo(3);
        assertThat(after.deliver()).isEqualTo(4);
        assertThat(link.calls).containsExactly("event evt-1", "event evt-2", "event evt-3", "status second");
    }

    @Test
    void eventFilesAreWrittenPrivatelyInOrderAndRemovedOnceDelivered() throws Exception {
        Outbox outbox = new Outbox(dataDir, link);
        IntStream.rangeClosed(1, 3).forEach(i -> outbox.event(event("evt-" + i)));
        outbox.status(status("stable"));

        List<Path> files = eventFiles();
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("0000000000000000000.json", "0000000000000000001.json", "0000000000000000002.json");
        assertThat(JSON.readValue(files.get(0).toFile(), UpdateEvent.class)).isEqualTo(event("evt-1"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0)))).isEqualTo("rw-------");
        assertThat(outboxDir().resolve(Outbox.STATUS_FILE)).exists();

        link.up = true;
        outbox.deliver();

        assertThat(eventFiles()).isEmpty();
        assertThat(outboxDir().resolve(Outbox.STATUS_FILE)).doesNotExist();
        assertThat(new Outbox(dataDir, link).pending()).isFalse();
    }

    @Test
    void eventsAfterARestartSortAfterTheOnesLeftBehind() {
        Outbox before = new Outbox(dataDir, link);
        before.event(event("evt-1"));
        before.event(event("evt-2"));

        Outbox after = new Outbox(dataDir, link);
        after.event(event("evt-3"));
        link.up = true;
        after.deliver();

        assertThat(link.calls).containsExactly("event evt-1", "event evt-2", "event evt-3");
    }

    @Test
    void anUnreadableQueuedFileIsRemovedAndTheOthersDelivered() throws Exception {
        Outbox before = new Outbox(dataDir, link);
        before.event(event("evt-1"));
        Path garbage = outboxDir().resolve("0000000000000000007.json");
        Files.writeString(garbage, "{\"id\":\"evt-x\",\"unknown\":1}");
        Files.writeString(outboxDir().resolve(Outbox.STATUS_FILE), "not json");
        Path leftover = outboxDir().resolve(".0000000000000000008.json-123.tmp");
        Files.writeString(leftover, "half");

        Outbox after = new Outbox(dataDir, link);

        assertThat(garbage).doesNotExist();
        assertThat(leftover).doesNotExist();
        assertThat(after.queuedEvents()).isEqualTo(1);
        after.event(event("evt-2"));
        assertThat(outboxDir().resolve("0000000000000000008.json")).exists();
        link.up = true;
        assertThat(after.deliver()).isEqualTo(2);
        assertThat(link.calls).containsExactly("event evt-1", "event evt-2");
    }

    @Test
    void aDiskFailureIsLoggedAndTheReportsAreKeptInMemory() throws Exception {
        Path notADirectory = dataDir.resolve("file");
        Files.writeString(notADirectory, "");
        Outbox outbox = new Outbox(notADirectory, link);

        outbox.event(event("evt-1"));
        outbox.status(status("stable"));
        link.up = true;

        assertThat(outbox.deliver()).isEqualTo(2);
        assertThat(link.calls).containsExactly("event evt-1", "status stable");
    }

    @Test
    void theQueueIsBoundedByDroppingTheOldestEvents() {
        Outbox outbox = new Outbox(dataDir, link, 3);
        IntStream.rangeClosed(1, 5).forEach(i -> outbox.event(event("evt-" + i)));

        assertThat(outbox.queuedEvents()).isEqualTo(3);
        assertThat(eventFiles()).hasSize(3);

        Outbox smaller = new Outbox(dataDir, link, 2);
        assertThat(eventFiles()).hasSize(2);
        link.up = true;
        smaller.deliver();
        assertThat(link.calls).containsExactly("event evt-4", "event evt-5");
    }

    @Test
    void anEventDroppedFromAFullQueueWhileBeingSentDoesNotTakeAnotherWithIt() {
        Outbox outbox = new Outbox(dataDir, link, 2);
        outbox.event(event("evt-1"));
        outbox.event(event("evt-2"));
        link.up = true;
        link.duringEvent = e -> {
            if (e.id().equals("evt-1")) {
                outbox.event(event("evt-3")); // full: drops evt-1, which is on its way
            }
        };

        assertThat(outbox.deliver()).isEqualTo(3);

        assertThat(link.calls).containsExactly("event evt-1", "event evt-2", "event evt-3");
        assertThat(eventFiles()).isEmpty();
    }

    // ---- through the admin socket -------------------------------------------------------

    @Test
    void reportsQueuedWhileTheAdminSocketAnswers503AreDeliveredInOrderWhenItRecovers() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start();
            Outbox outbox = new Outbox(dataDir, adminClient(server));
            server.enqueue(json(503, "{\"error\":\"unavailable\",\"message\":\"starting\"}"));
            IntStream.rangeClosed(1, 3).forEach(i -> outbox.event(event("evt-" + i)));
            outbox.status(status("stable"));

            assertThat(outbox.deliver()).isZero();

            for (int i = 1; i <= 3; i++) {
                server.enqueue(json(201, "{\"id\":\"evt-" + i + "\",\"created\":true}"));
            }
            server.enqueue(new mockwebserver3.MockResponse.Builder().code(204).build());
            assertThat(outbox.deliver()).isEqualTo(4);

            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                RecordedRequest request = server.takeRequest();
                sent.add(request.getMethod() + " " + request.getTarget() + " "
                        + (request.getTarget().endsWith("update-events")
                        ? JSON.readValue(request.getBody().utf8(), UpdateEvent.class).id()
                        : JSON.readValue(request.getBody().utf8(), AgentStatus.class).channel()));
            }
            assertThat(sent).containsExactly(
                    "POST /admin/v1/update-events evt-1",
                    "POST /admin/v1/update-events evt-1",
                    "POST /admin/v1/update-events evt-2",
                    "POST /admin/v1/update-events evt-3",
                    "PUT /admin/v1/update-status stable");
            assertThat(outbox.pending()).isFalse();
        }
    }

    @Test
    void aRedeliveryAfterACrashBeforeTheFileWasRemovedIsHarmless() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start();
            Outbox outbox = new Outbox(dataDir, adminClient(server));
            outbox.event(event("evt-1"));
            Path file = eventFiles().get(0);
            byte[] content = Files.readAllBytes(file);
            server.enqueue(json(201, "{\"id\":\"evt-1\",\"created\":true}"));
            assertThat(outbox.deliver()).isEqualTo(1);

            // The agent died after the server stored the event and before the file went.
            Files.write(file, content);
            Outbox restarted = new Outbox(dataDir, adminClient(server));
            server.enqueue(json(200, "{\"id\":\"evt-1\",\"created\":false}"));

            assertThat(restarted.deliver()).isEqualTo(1);
            assertThat(restarted.pending()).isFalse();
            assertThat(eventFiles()).isEmpty();
            for (int i = 0; i < 2; i++) {
                assertThat(JSON.readValue(server.takeRequest().getBody().utf8(), UpdateEvent.class).id()).isEqualTo("evt-1");
            }
        }
    }

    // ---- threads ------------------------------------------------------------------------

    @Test
    void reportsMadeWhileDeliveryRunsAreEachDeliveredOnceInTheirOrder() throws Exception {
        Outbox outbox = new Outbox(dataDir, link, 100_000);
        link.up = true;
        AtomicInteger calls = new AtomicInteger();
        // Every seventh call fails, so deliveries stop and resume while reports keep coming.
        link.failure = e -> calls.incrementAndGet() % 7 == 0 ? new ServerUnavailableException("blip") : null;
        int writers = 4;
        int perWriter = 100;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(Thread.ofPlatform().start(() -> {
                await(go);
                for (int i = 0; i < perWriter; i++) {
                    outbox.event(event("w" + writer + "-" + i));
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            await(go);
            for (int i = 0; i < 100; i++) {
                outbox.status(status("s" + i));
            }
        }));
        Thread deliverer = Thread.ofPlatform().start(() -> {
            await(go);
            while (threads.stream().anyMatch(Thread::isAlive) || outbox.pending()) {
                outbox.deliver();
            }
        });

        go.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }
        deliverer.join(30_000);

        assertThat(deliverer.isAlive()).isFalse();
        List<String> events = link.calls.stream().filter(c -> c.startsWith("event ")).map(c -> c.substring(6)).toList();
        assertThat(events).hasSize(writers * perWriter).doesNotHaveDuplicates();
        Map<String, List<Integer>> byWriter = new HashMap<>();
        for (String id : events) {
            String[] parts = id.split("-");
            byWriter.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        }
        assertThat(byWriter.values()).allSatisfy(order -> assertThat(order).isSorted().hasSize(perWriter));
        List<Integer> statuses = link.calls.stream().filter(c -> c.startsWith("status s"))
                .map(c -> Integer.parseInt(c.substring(8))).toList();
        assertThat(statuses).isSorted().endsWith(99).doesNotHaveDuplicates();
        assertThat(eventFiles()).isEmpty();
    }

    // ---- helpers ------------------------------------------------------------------------

    private AdminClient adminClient(MockWebServer server) throws Exception {
        Path token = dataDir.resolve("admin.token");
        Files.writeString(token, "test-token");
        return new AdminClient(server.url("/").uri(), token);
    }

    private Path outboxDir() {
        return dataDir.resolve(Outbox.DIR);
    }

    private List<Path> eventFiles() {
        try (Stream<Path> files = Files.list(outboxDir())) {
            return files.filter(p -> p.getFileName().toString().matches("[0-9]+\\.json")).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
